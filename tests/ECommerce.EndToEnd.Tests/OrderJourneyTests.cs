using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace ECommerce.EndToEnd.Tests;

/// <summary>
/// A customer checks out through the REST edge: register, add to the cart, tokenise the card at the provider (as a
/// storefront does), get shipping quotes, place the order, find it paid and handed to the carrier in the purchase history,
/// and the cart emptied. Mesh and monolith.
/// </summary>
public sealed class OrderJourneyTests(RunningMesh mesh)
{
    [Fact]
    public async Task RegisteredAddedToCartPlacedPaidAndListed_OverRest()
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
