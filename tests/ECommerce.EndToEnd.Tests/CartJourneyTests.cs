using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ECommerce.EndToEnd.Tests;

/// <summary>
/// A visitor fills a guest cart through the REST edge, signs up, and finds it merged into their own cart, priced by the
/// catalog; the guest token is refused afterwards. Runs against the mesh and the monolith.
/// </summary>
public sealed class CartJourneyTests(RunningMesh mesh)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GuestCartFilledSignedUpMergedAndValidated_OverRest()
    {
        using var client = mesh.NewRestClient();
        var (sku, name) = await StockedSkuAsync(client);

        using var created = await SendAsync(client, HttpMethod.Post, "/v1/guest-carts", new { });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var guestToken = (await created.ReadJsonAsync()).GetProperty("guestToken").GetString()!;

        using var added = await SendAsync(client, HttpMethod.Post, "/v1/carts/guest/items", new { sku, quantity = 2 }, cartToken: guestToken);
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var guestLine = (await added.ReadJsonAsync()).GetProperty("cart").GetProperty("lines")[0];
        Assert.Equal((sku, name, "2"), (guestLine.GetProperty("sku").GetString(), guestLine.GetProperty("name").GetString(), guestLine.GetProperty("quantity").ToString()));
        Assert.Equal("AVAILABILITY_IN_STOCK", guestLine.GetProperty("availability").GetString());

        using var registered = await client.PostJsonAsync("/v1/users:register", new { email = Accounts.NewEmail(), password = Accounts.Password, displayName = "Cart Journey" });
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        var accessToken = (await registered.ReadJsonAsync()).GetProperty("tokens").GetProperty("accessToken").GetString()!;

        using var merged = await SendAsync(client, HttpMethod.Post, "/v1/carts/me:mergeGuestCart", new { }, accessToken, guestToken);
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        var cart = (await merged.ReadJsonAsync()).GetProperty("cart");
        Assert.Equal("2", cart.GetProperty("lines")[0].GetProperty("quantity").ToString());
        var unitPrice = cart.GetProperty("lines")[0].GetProperty("unitPrice");
        Assert.Equal(unitPrice.GetProperty("currencyCode").GetString(), cart.GetProperty("subtotal").GetProperty("currencyCode").GetString());

        using var guestAfter = await SendAsync(client, HttpMethod.Get, "/v1/carts/guest", body: null, cartToken: guestToken);
        await guestAfter.AssertStatusAsync(401, 16);
        using var anonymous = await SendAsync(client, HttpMethod.Get, "/v1/carts/me", body: null);
        await anonymous.AssertStatusAsync(401, 16);

        using var validated = await SendAsync(client, HttpMethod.Post, "/v1/carts/me:validate", new { }, accessToken);
        Assert.Equal(HttpStatusCode.OK, validated.StatusCode);
        Assert.True((await validated.ReadJsonAsync()).GetProperty("valid").GetBoolean());

        using var tooMany = await SendAsync(client, HttpMethod.Patch, $"/v1/carts/me/items/{sku}", new { quantity = 100 }, accessToken);
        Assert.Contains("quantity", await tooMany.AssertStatusAsync(400, 3));
    }

    /// <summary>A SKU of the demo catalog with a few units available, and its product's name.</summary>
    private static async Task<(string Sku, string Name)> StockedSkuAsync(HttpClient client)
    {
        using var listed = await client.GetAsync("/v1/products?page.pageSize=20", accessToken: null);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        foreach (var product in (await listed.ReadJsonAsync()).GetProperty("products").EnumerateArray())
        {
            foreach (var variant in product.GetProperty("variants").EnumerateArray())
            {
                if (variant.TryGetProperty("available", out var available) && long.Parse(available.ToString()) >= 5)
                {
                    return (variant.GetProperty("sku").GetString()!, product.GetProperty("name").GetString()!);
                }
            }
        }
        throw new Xunit.Sdk.XunitException("No demo SKU has 5 units available.");
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, object? body, string? accessToken = null, string? cartToken = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
        if (cartToken is not null)
        {
            request.Headers.Add("x-cart-token", cartToken);
        }
        return client.SendAsync(request, Cancellation);
    }
}
