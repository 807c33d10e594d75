using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace ECommerce.EndToEnd.Tests;

/// <summary>
/// A customer checks out through the REST edge: register, add to the cart, tokenise the card at the provider (as a
/// storefront does), get shipping quotes, place the order, find it paid and handed to the carrier in the purchase history,
/// the cart emptied, then shipped and delivered as the carrier moves the parcel. Mesh and monolith.
/// </summary>
public sealed class OrderJourneyTests(RunningMesh mesh)
{
    [Fact]
    public async Task RegisteredAddedToCartPlacedPaidShippedDeliveredAndListed_OverRest()
    {
        using var client = mesh.NewRestClient();
        var (sku, name) = await client.StockedSkuAsync();
        using var registered = await client.PostJsonAsync("/v1/users:register", new { email = Accounts.NewEmail(), password = Accounts.Password, displayName = "Order Journey" });
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        var accessToken = (await registered.ReadJsonAsync()).GetProperty("tokens").GetProperty("accessToken").GetString()!;
        using var added = await client.SendJsonAsync(HttpMethod.Post, "/v1/carts/me/items", new { sku, quantity = 1 }, accessToken);
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);

        var address = new { recipientName = "Erika Mustermann", line1 = "Unter den Linden 1", city = "Berlin", postalCode = "10117", countryCode = "DE" };
        using var quoted = await client.SendJsonAsync(HttpMethod.Post, "/v1/shipping:quote", new { address, items = new[] { new { sku, quantity = 1 } } }, accessToken);
        var quotes = await quoted.ReadJsonAsync();
        Assert.True(quoted.StatusCode == HttpStatusCode.OK, quotes.ToString());
        var order = new
        {
            idempotencyKey = Guid.NewGuid().ToString(),
            shippingAddress = address,
            quoteId = quotes.GetProperty("quotes")[0].GetProperty("quoteId").GetString(),
            paymentMethodToken = await TokeniseAsync("4242424242424242"),
        };
        using var placed = await client.SendJsonAsync(HttpMethod.Post, "/v1/orders", order, accessToken);
        var body = await placed.ReadJsonAsync();
        Assert.True(placed.StatusCode == HttpStatusCode.OK, body.ToString());
        var placedOrder = body.GetProperty("order");
        Assert.Equal("ORDER_STATUS_FULFILLING", placedOrder.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(placedOrder.GetProperty("shipmentId").GetString()));
        Assert.Equal(name, placedOrder.GetProperty("lines")[0].GetProperty("name").GetString());
        var orderId = placedOrder.GetProperty("orderId").GetString()!;
        var shipmentId = placedOrder.GetProperty("shipmentId").GetString()!;

        using var retried = await client.SendJsonAsync(HttpMethod.Post, "/v1/orders", order, accessToken);
        Assert.Equal(orderId, (await retried.ReadJsonAsync()).GetProperty("order").GetProperty("orderId").GetString());

        using var history = await client.GetAsync("/v1/orders", accessToken);
        var listed = Assert.Single((await history.ReadJsonAsync()).GetProperty("orders").EnumerateArray());
        Assert.Equal(orderId, listed.GetProperty("orderId").GetString());
        using var anonymous = await client.GetAsync($"/v1/orders/{orderId}", accessToken: null);
        await anonymous.AssertStatusAsync(401, 16);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var cart = await client.GetAsync("/v1/carts/me", accessToken);
            var lines = (await cart.ReadJsonAsync()).GetProperty("cart");
            if (!lines.TryGetProperty("lines", out var remaining) || remaining.GetArrayLength() == 0)
            {
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "the cart was not emptied after the order");
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        // The carrier picks the parcel up and delivers it; Shipping's events move the order, seen through the edge.
        await DeliverAsync(shipmentId);
        var delivered = await StatusAsync(client, orderId, accessToken, "ORDER_STATUS_DELIVERED");
        var changes = delivered.GetProperty("history").EnumerateArray().Select(change => change.GetProperty("status").GetString()!).ToList();
        Assert.Equal(["ORDER_STATUS_SHIPPED", "ORDER_STATUS_DELIVERED"], changes[^2..]);
        using var purchases = await client.GetAsync("/v1/orders", accessToken);
        var bought = Assert.Single((await purchases.ReadJsonAsync()).GetProperty("orders").EnumerateArray());
        Assert.Equal(("ORDER_STATUS_DELIVERED", name), (bought.GetProperty("status").GetString(), bought.GetProperty("lines")[0].GetProperty("name").GetString()));
    }

    /// <summary>Moves the shipment's parcel to delivered now, through the carrier sandbox's test control (its clock would, step by step).</summary>
    private async Task DeliverAsync(string shipmentId)
    {
        using var carrier = new HttpClient { BaseAddress = mesh.ResourceUrl("carrier-sandbox", "http") };
        carrier.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await mesh.ParameterAsync("carrier-api-key"));
        var parcels = await carrier.GetFromJsonAsync<System.Text.Json.JsonElement>($"/v1/shipments?reference={shipmentId}", TestContext.Current.CancellationToken);
        var parcelId = Assert.Single(parcels.GetProperty("data").EnumerateArray()).GetProperty("id").GetString();
        // Until it has nowhere left to go (409): the carrier's own clock may move it too meanwhile.
        for (var step = 0; step < 10; step++)
        {
            using var moved = await carrier.PostAsync($"/v1/test/shipments/{parcelId}/advance", null, TestContext.Current.CancellationToken);
            if (moved.StatusCode == HttpStatusCode.Conflict)
            {
                return;
            }
            moved.EnsureSuccessStatusCode();
        }
        Assert.Fail($"the carrier's parcel {parcelId} was not delivered after 10 steps");
    }

    /// <summary>The order through the edge once it has <paramref name="status"/> (Shipping's events travel through Kafka).</summary>
    private static async Task<System.Text.Json.JsonElement> StatusAsync(HttpClient client, string orderId, string accessToken, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var fetched = await client.GetAsync($"/v1/orders/{orderId}", accessToken);
            var order = (await fetched.ReadJsonAsync()).GetProperty("order");
            if (order.GetProperty("status").GetString() == status)
            {
                return order;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the order is {order.GetProperty("status").GetString()}, not {status}");
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The storefront's step: the card number goes to the provider only, a token comes back.</summary>
    private async Task<string> TokeniseAsync(string number)
    {
        using var provider = new HttpClient { BaseAddress = mesh.ResourceUrl("payment-sandbox", "http") };
        provider.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await mesh.ParameterAsync("payment-provider-api-key"));
        using var response = await provider.PostAsJsonAsync("/v1/payment_methods", new { number, exp_month = 12, exp_year = 2030, cvc = "123" },
            TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }
}
