using ECommerce.Contracts.Cart.V1;
using ECommerce.Testing;

namespace ECommerce.Cart.Tests;

/// <summary>Every rpc answers bad input with INVALID_ARGUMENT naming each wrong field, before touching any cart.</summary>
public sealed class BadInputTests(CartTestEnvironment shop)
{
    public static TheoryData<string, string[]> Cases => new()
    {
        { "GetCart", ["cart_id"] },
        { "AddItem", ["cart_id", "sku", "quantity"] },
        { "AddItemTooMany", ["quantity"] },
        { "UpdateItem", ["sku", "quantity"] },
        { "RemoveItem", ["cart_id", "sku"] },
        { "ClearCart", ["cart_id"] },
        { "SaveForLater", ["sku"] },
        { "MoveToCart", ["cart_id", "sku"] },
        { "RemoveSavedItem", ["sku"] },
        { "MergeGuestCart", ["cart_id"] },
        { "ValidateCart", ["cart_id"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_invalid_argument_naming_the_field(string rpc, string[] expectedFields)
    {
        var (_, customer) = await shop.NewCustomerAsync();
        var carts = shop.Carts;
        Func<Task> call = rpc switch
        {
            "GetCart" => () => carts.GetCartAsync(new GetCartRequest { CartId = "someone" }, customer).ResponseAsync,
            "AddItem" => () => carts.AddItemAsync(new AddItemRequest { CartId = "", Sku = "has spaces", Quantity = 0 }, customer).ResponseAsync,
            "AddItemTooMany" => () => carts.AddItemAsync(new AddItemRequest { CartId = "me", Sku = "SKU-1", Quantity = 100 }, customer).ResponseAsync,
            "UpdateItem" => () => carts.UpdateItemAsync(new UpdateItemRequest { CartId = "me", Sku = "", Quantity = -1 }, customer).ResponseAsync,
            "RemoveItem" => () => carts.RemoveItemAsync(new RemoveItemRequest { CartId = "42", Sku = new string('x', 65) }, customer).ResponseAsync,
            "ClearCart" => () => carts.ClearCartAsync(new ClearCartRequest { CartId = "ME" }, customer).ResponseAsync,
            "SaveForLater" => () => carts.SaveForLaterAsync(new SaveForLaterRequest { CartId = "me", Sku = "-leading-dash" }, customer).ResponseAsync,
            "MoveToCart" => () => carts.MoveToCartAsync(new MoveToCartRequest { CartId = "carts/1", Sku = "a/b" }, customer).ResponseAsync,
            "RemoveSavedItem" => () => carts.RemoveSavedItemAsync(new RemoveSavedItemRequest { CartId = "me", Sku = "" }, customer).ResponseAsync,
            // A guest cart cannot be merged into: the target is a user's cart.
            "MergeGuestCart" => () => carts.MergeGuestCartAsync(new MergeGuestCartRequest { CartId = "guest" }, customer).ResponseAsync,
            "ValidateCart" => () => carts.ValidateCartAsync(new ValidateCartRequest { CartId = "" }, customer).ResponseAsync,
            _ => throw new ArgumentOutOfRangeException(nameof(rpc)),
        };

        await GrpcAssert.InvalidArgumentNamingAsync(call, expectedFields);
    }

    [Fact]
    public void Every_rpc_with_input_has_a_bad_input_case()
    {
        var rpcs = CartService.Descriptor.Methods.Select(method => method.Name).Where(name => name != "CreateGuestCart");

        Assert.Empty(rpcs.Except(Cases.Select(row => row.Data.Item1)));
    }
}
