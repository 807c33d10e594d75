using System.Net;

namespace ECommerce.EndToEnd.Tests;

/// <summary>
/// A visitor fills a guest cart through the REST edge, signs up, and finds it merged into their own cart, priced by the
/// catalog; the guest token is refused afterwards. Runs against the mesh and the monolith.
/// </summary>
public sealed class CartJourneyTests(RunningMesh mesh)
{
    [Fact]
    public async Task GuestCartFilledSignedUpMergedAndValidated_OverRest()
    {
        using var client = mesh.NewRestClient();
        var (sku, name) = await client.StockedSkuAsync();

        using var created = await client.SendJsonAsync(HttpMethod.Post, "/v1/guest-carts", new { });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var guestToken = (await created.ReadJsonAsync()).GetProperty("guestToken").GetString()!;

        using var added = await client.SendJsonAsync(HttpMethod.Post, "/v1/carts/guest/items", new { sku, quantity = 2 }, cartToken: guestToken);
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var guestLine = (await added.ReadJsonAsync()).GetProperty("cart").GetProperty("lines")[0];
        Assert.Equal((sku, name, "2"), (guestLine.GetProperty("sku").GetString(), guestLine.GetProperty("name").GetString(), guestLine.GetProperty("quantity").ToString()));
        Assert.Equal("AVAILABILITY_IN_STOCK", guestLine.GetProperty("availability").GetString());

        using var registered = await client.PostJsonAsync("/v1/users:register", new { email = Accounts.NewEmail(), password = Accounts.Password, displayName = "Cart Journey" });
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        var accessToken = (await registered.ReadJsonAsync()).GetProperty("tokens").GetProperty("accessToken").GetString()!;

        using var merged = await client.SendJsonAsync(HttpMethod.Post, "/v1/carts/me:mergeGuestCart", new { }, accessToken, guestToken);
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        var cart = (await merged.ReadJsonAsync()).GetProperty("cart");
        Assert.Equal("2", cart.GetProperty("lines")[0].GetProperty("quantity").ToString());
        var unitPrice = cart.GetProperty("lines")[0].GetProperty("unitPrice");
        Assert.Equal(unitPrice.GetProperty("currencyCode").GetString(), cart.GetProperty("subtotal").GetProperty("currencyCode").GetString());

        using var guestAfter = await client.SendJsonAsync(HttpMethod.Get, "/v1/carts/guest", body: null, cartToken: guestToken);
        await guestAfter.AssertStatusAsync(401, 16);
        using var anonymous = await client.SendJsonAsync(HttpMethod.Get, "/v1/carts/me", body: null);
        await anonymous.AssertStatusAsync(401, 16);

        using var validated = await client.SendJsonAsync(HttpMethod.Post, "/v1/carts/me:validate", new { }, accessToken);
        Assert.Equal(HttpStatusCode.OK, validated.StatusCode);
        Assert.True((await validated.ReadJsonAsync()).GetProperty("valid").GetBoolean());

        using var tooMany = await client.SendJsonAsync(HttpMethod.Patch, $"/v1/carts/me/items/{sku}", new { quantity = 100 }, accessToken);
        Assert.Contains("quantity", await tooMany.AssertStatusAsync(400, 3));
    }
}
