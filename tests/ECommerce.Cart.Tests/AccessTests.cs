using ECommerce.Contracts.Cart.V1;
using Grpc.Core;

namespace ECommerce.Cart.Tests;

/// <summary>
/// A user's cart: its owner or an admin, nobody else. A guest cart: whoever holds its token, nobody
/// else (an admin neither). Every rpc, every caller.
/// </summary>
public sealed class AccessTests(CartTestEnvironment shop)
{
    private CartService.CartServiceClient Carts => shop.Carts;

    [Fact]
    public async Task A_users_cart_is_the_owners_and_admins_only_for_every_rpc()
    {
        var product = await shop.NewProductAsync(stock: 50);
        var (line, saved) = (product.Variants[0].Sku, product.Variants[1].Sku);
        var (ownerId, owner) = await shop.NewCustomerAsync();
        var (_, stranger) = await shop.NewCustomerAsync();
        var calls = Calls(ownerId, line, saved);

        foreach (var (rpc, call) in calls)
        {
            await PrepareAsync(ownerId, owner, line, saved);
            var anonymous = await Assert.ThrowsAsync<RpcException>(() => call([]));
            var other = await Assert.ThrowsAsync<RpcException>(() => call(stranger));
            Assert.True(anonymous.StatusCode == StatusCode.Unauthenticated, $"{rpc} without a token answered {anonymous.StatusCode}");
            Assert.True(other.StatusCode == StatusCode.PermissionDenied, $"{rpc} with another customer's token answered {other.StatusCode}");
            await call(owner);
            await PrepareAsync(ownerId, owner, line, saved);
            await call(shop.Admin);
        }

        var rpcs = CartService.Descriptor.Methods.Select(method => method.Name).Where(name => name != "CreateGuestCart");
        Assert.Equal(rpcs.Order(), calls.Keys.Order());
    }

    [Fact]
    public async Task A_guest_cart_is_its_token_holders_only_for_every_rpc()
    {
        var product = await shop.NewProductAsync(stock: 50);
        var (line, saved) = (product.Variants[0].Sku, product.Variants[1].Sku);
        var guest = await shop.NewGuestAsync();
        var calls = Calls("guest", line, saved).Where(call => call.Key != "MergeGuestCart").ToDictionary();
        calls["CreateGuestCart"] = caller => Carts.CreateGuestCartAsync(new CreateGuestCartRequest(), caller).ResponseAsync;

        foreach (var (rpc, call) in calls.Where(call => call.Key != "CreateGuestCart"))
        {
            await PrepareAsync("guest", guest, line, saved);
            var anonymous = await Assert.ThrowsAsync<RpcException>(() => call([]));
            var admin = await Assert.ThrowsAsync<RpcException>(() => call(shop.Admin));
            Assert.True(anonymous.StatusCode == StatusCode.Unauthenticated, $"{rpc} without the guest token answered {anonymous.StatusCode}");
            Assert.True(admin.StatusCode == StatusCode.Unauthenticated, $"{rpc} with an admin's token but not the guest's answered {admin.StatusCode}");
            await call(guest);
        }
        // Anyone may start a guest cart, signed in or not.
        await calls["CreateGuestCart"]([]);
        await calls["CreateGuestCart"](shop.Admin);

        var rpcs = CartService.Descriptor.Methods.Select(method => method.Name).Where(name => name != "MergeGuestCart");
        Assert.Equal(rpcs.Order(), calls.Keys.Order());
    }

    [Fact]
    public async Task Merging_needs_both_the_users_right_and_the_guest_token()
    {
        var (ownerId, owner) = await shop.NewCustomerAsync();
        var (_, stranger) = await shop.NewCustomerAsync();
        var guest = await shop.NewGuestAsync();

        var noGuestToken = await Assert.ThrowsAsync<RpcException>(() => Carts.MergeGuestCartAsync(new MergeGuestCartRequest { CartId = ownerId }, owner).ResponseAsync);
        var intoSomeoneElses = await Assert.ThrowsAsync<RpcException>(() =>
            Carts.MergeGuestCartAsync(new MergeGuestCartRequest { CartId = ownerId }, GuestCartTests.MergeHeaders(stranger, guest)).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, noGuestToken.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, intoSomeoneElses.StatusCode);
    }

    /// <summary>Each rpc on <paramref name="cartId"/> as a caller; MergeGuestCart brings a fresh guest cart of its own.</summary>
    private Dictionary<string, Func<Metadata, Task>> Calls(string cartId, string line, string saved) => new()
    {
        ["GetCart"] = caller => Carts.GetCartAsync(new GetCartRequest { CartId = cartId }, caller).ResponseAsync,
        ["AddItem"] = caller => Carts.AddItemAsync(new AddItemRequest { CartId = cartId, Sku = line, Quantity = 1 }, caller).ResponseAsync,
        ["UpdateItem"] = caller => Carts.UpdateItemAsync(new UpdateItemRequest { CartId = cartId, Sku = line, Quantity = 3 }, caller).ResponseAsync,
        ["RemoveItem"] = caller => Carts.RemoveItemAsync(new RemoveItemRequest { CartId = cartId, Sku = line }, caller).ResponseAsync,
        ["ClearCart"] = caller => Carts.ClearCartAsync(new ClearCartRequest { CartId = cartId }, caller).ResponseAsync,
        ["SaveForLater"] = caller => Carts.SaveForLaterAsync(new SaveForLaterRequest { CartId = cartId, Sku = line }, caller).ResponseAsync,
        ["MoveToCart"] = caller => Carts.MoveToCartAsync(new MoveToCartRequest { CartId = cartId, Sku = saved }, caller).ResponseAsync,
        ["RemoveSavedItem"] = caller => Carts.RemoveSavedItemAsync(new RemoveSavedItemRequest { CartId = cartId, Sku = saved }, caller).ResponseAsync,
        ["ValidateCart"] = caller => Carts.ValidateCartAsync(new ValidateCartRequest { CartId = cartId }, caller).ResponseAsync,
        ["MergeGuestCart"] = async caller =>
        {
            var guest = await shop.NewGuestAsync();
            await Carts.MergeGuestCartAsync(new MergeGuestCartRequest { CartId = cartId }, GuestCartTests.MergeHeaders(caller, guest));
        },
    };

    /// <summary>The cart holds <paramref name="line"/> and has <paramref name="saved"/> saved, whatever the last call did.</summary>
    private async Task PrepareAsync(string cartId, Metadata owner, string line, string saved)
    {
        await Carts.ClearCartAsync(new ClearCartRequest { CartId = cartId }, owner);
        try
        {
            await Carts.RemoveSavedItemAsync(new RemoveSavedItemRequest { CartId = cartId, Sku = saved }, owner);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
        }
        await Carts.AddItemAsync(new AddItemRequest { CartId = cartId, Sku = line, Quantity = 1 }, owner);
        await Carts.AddItemAsync(new AddItemRequest { CartId = cartId, Sku = saved, Quantity = 1 }, owner);
        await Carts.SaveForLaterAsync(new SaveForLaterRequest { CartId = cartId, Sku = saved }, owner);
    }
}
