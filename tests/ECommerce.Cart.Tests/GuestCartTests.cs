using ECommerce.Contracts.Cart.V1;
using Grpc.Core;

namespace ECommerce.Cart.Tests;

public sealed class GuestCartTests(CartTestEnvironment shop)
{
    private CartService.CartServiceClient Carts => shop.Carts;

    [Fact]
    public async Task At_sign_in_the_guest_cart_merges_into_the_users_cart_and_its_token_is_refused_afterwards()
    {
        var product = await shop.NewProductAsync(stock: 100, sizes: ["S", "M", "L"]);
        var (both, guestOnly, savedByGuest) = (product.Variants[0].Sku, product.Variants[1].Sku, product.Variants[2].Sku);
        var (_, customer) = await shop.NewCustomerAsync();
        await Carts.AddItemAsync(new AddItemRequest { CartId = "me", Sku = both, Quantity = 60 }, customer);
        var guest = await shop.NewGuestAsync();
        await Carts.AddItemAsync(new AddItemRequest { CartId = "guest", Sku = both, Quantity = 50 }, guest);
        await Carts.AddItemAsync(new AddItemRequest { CartId = "guest", Sku = guestOnly, Quantity = 2 }, guest);
        await Carts.AddItemAsync(new AddItemRequest { CartId = "guest", Sku = savedByGuest, Quantity = 1 }, guest);
        await Carts.SaveForLaterAsync(new SaveForLaterRequest { CartId = "guest", Sku = savedByGuest }, guest);

        var merged = await Carts.MergeGuestCartAsync(new MergeGuestCartRequest { CartId = "me" }, MergeHeaders(customer, guest));

        // 60 + 50 is capped at the line maximum of 99.
        Assert.Equal([(both, 99L), (guestOnly, 2L)], merged.Cart.Lines.Select(line => (line.Sku, line.Quantity)));
        Assert.Equal([(savedByGuest, 1L)], merged.Cart.SavedForLater.Select(line => (line.Sku, line.Quantity)));
        Assert.Equal((2, 0), (merged.MergedLines, merged.SavedLines));
        var refused = await Assert.ThrowsAsync<RpcException>(() => Carts.GetCartAsync(new GetCartRequest { CartId = "guest" }, guest).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("merged", refused.Status.Detail);
        var again = await Assert.ThrowsAsync<RpcException>(() => Carts.MergeGuestCartAsync(new MergeGuestCartRequest { CartId = "me" }, MergeHeaders(customer, guest)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, again.StatusCode);
        var read = (await Carts.GetCartAsync(new GetCartRequest { CartId = "me" }, customer)).Cart;
        Assert.Equal(101, read.TotalQuantity);
    }

    [Fact]
    public async Task A_made_up_guest_token_reaches_nothing_and_creates_nothing()
    {
        var product = await shop.NewProductAsync(stock: 5);
        var madeUp = CartTestEnvironment.Guest("gc_" + new string('A', 43));

        var read = await Assert.ThrowsAsync<RpcException>(() => Carts.GetCartAsync(new GetCartRequest { CartId = "guest" }, madeUp).ResponseAsync);
        var add = await Assert.ThrowsAsync<RpcException>(() => Carts.AddItemAsync(new AddItemRequest { CartId = "guest", Sku = product.Variants[0].Sku, Quantity = 1 }, madeUp).ResponseAsync);

        Assert.Equal((StatusCode.Unauthenticated, StatusCode.Unauthenticated), (read.StatusCode, add.StatusCode));
    }

    [Fact]
    public async Task A_guest_cart_says_when_it_expires()
    {
        var guest = await shop.NewGuestAsync();

        var cart = (await Carts.GetCartAsync(new GetCartRequest { CartId = "guest" }, guest)).Cart;

        Assert.Equal("guest", cart.CartId);
        Assert.InRange(cart.ExpiresAt.ToDateTimeOffset() - DateTimeOffset.UtcNow, TimeSpan.FromDays(29), TimeSpan.FromDays(31));
    }

    internal static Metadata MergeHeaders(Metadata user, Metadata guest) =>
        [.. user, .. guest];
}
