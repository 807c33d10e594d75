using ECommerce.Contracts.Cart.V1;
using ECommerce.Contracts.Catalog.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics.Metrics;
using static ECommerce.Cart.Tests.CartTestEnvironment;

namespace ECommerce.Cart.Tests;

public sealed class CartBehaviourTests(CartTestEnvironment shop)
{
    private CartService.CartServiceClient Carts => shop.Carts;

    [Fact]
    public async Task A_read_returns_name_options_current_price_availability_and_subtotal()
    {
        var product = await shop.NewProductAsync(stock: 10);
        var (_, customer) = await shop.NewCustomerAsync();
        await Carts.AddItemAsync(new AddItemRequest { CartId = "me", Sku = product.Variants[0].Sku, Quantity = 2 }, customer);
        await Carts.AddItemAsync(new AddItemRequest { CartId = "me", Sku = product.Variants[1].Sku, Quantity = 1 }, customer);

        var cart = (await Carts.GetCartAsync(new GetCartRequest { CartId = "me" }, customer)).Cart;

        Assert.Equal([product.Variants[0].Sku, product.Variants[1].Sku], cart.Lines.Select(line => line.Sku));
        var first = cart.Lines[0];
        Assert.Equal(("Trail runner", "S", 2L, Availability.InStock, 10L), (first.Name, first.Options["size"], first.Quantity, first.Availability, first.Available));
        Assert.Equal(Euros(12, 750_000_000), first.UnitPrice);
        Assert.Equal(Euros(25, 500_000_000), first.LineTotal);
        Assert.Empty(first.Notices);
        Assert.Equal(Euros(38, 250_000_000), cart.Subtotal);
        Assert.Equal(3, cart.TotalQuantity);
    }

    [Fact]
    public async Task A_cart_read_makes_one_catalog_call_however_many_lines()
    {
        var product = await shop.NewProductAsync(stock: 5, sizes: ["36", "37", "38", "39", "40", "41", "42", "43"]);
        var (_, customer) = await shop.NewCustomerAsync();
        foreach (var variant in product.Variants)
        {
            await Carts.AddItemAsync(new AddItemRequest { CartId = "me", Sku = variant.Sku, Quantity = 1 }, customer);
        }
        var meters = shop.Cart.Services.GetRequiredService<IMeterFactory>();
        long calls = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Name == "ecommerce.cart.catalog.calls")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref calls, value));
        listener.Start();

        var before = Interlocked.Read(ref calls);
        var cart = (await Carts.GetCartAsync(new GetCartRequest { CartId = "me" }, customer)).Cart;
        var after = Interlocked.Read(ref calls);

        Assert.Equal(8, cart.Lines.Count);
        // Other tests' reads may run at the same time on the shared service: at least our one call, and never one per line.
        Assert.InRange(after - before, 1, 7);
    }

    [Fact]
    public async Task A_catalog_price_change_shows_in_the_cart_with_a_notice()
    {
        var product = await shop.NewProductAsync(stock: 10);
        var sku = product.Variants[0].Sku;
        var guest = await shop.NewGuestAsync();
        await Carts.AddItemAsync(new AddItemRequest { CartId = "guest", Sku = sku, Quantity = 2 }, guest);

        var now = DateTimeOffset.UtcNow;
        await shop.Catalog.SetSalePriceAsync(new SetSalePriceRequest
        {
            Sku = sku,
            Sale = new SalePrice { Price = Euros(9, 990_000_000), StartsAt = Timestamp.FromDateTimeOffset(now.AddMinutes(-1)), EndsAt = Timestamp.FromDateTimeOffset(now.AddDays(1)) },
        }, shop.Admin);
        var cart = (await Carts.GetCartAsync(new GetCartRequest { CartId = "guest" }, guest)).Cart;

        var line = cart.Lines.Single();
        Assert.Equal(Euros(9, 990_000_000), line.UnitPrice);
        Assert.Equal(Euros(12, 750_000_000), line.PriceWhenAdded);
        Assert.Equal(Euros(19, 980_000_000), cart.Subtotal);
        var notice = Assert.Single(line.Notices);
        Assert.Equal(LineIssue.PriceChanged, notice.Issue);
        Assert.Contains("12.75 EUR", notice.Message);
        Assert.Contains("9.99 EUR", notice.Message);
        var validation = await Carts.ValidateCartAsync(new ValidateCartRequest { CartId = "guest" }, guest);
        Assert.False(validation.Valid);
        Assert.Equal(LineIssue.PriceChanged, Assert.Single(validation.Problems).Issue);
    }

    [Fact]
    public async Task Stock_falling_below_a_lines_quantity_shows_in_ValidateCart()
    {
        var product = await shop.NewProductAsync(stock: 5);
        var (short_, plenty) = (product.Variants[0].Sku, product.Variants[1].Sku);
        var (_, customer) = await shop.NewCustomerAsync();
        await Carts.AddItemAsync(new AddItemRequest { CartId = "me", Sku = short_, Quantity = 4 }, customer);
        await Carts.AddItemAsync(new AddItemRequest { CartId = "me", Sku = plenty, Quantity = 1 }, customer);
        Assert.True((await Carts.ValidateCartAsync(new ValidateCartRequest { CartId = "me" }, customer)).Valid);

        await shop.Inventory.AdjustStockAsync(new AdjustStockRequest { Sku = short_, Delta = -3, Reason = "damaged" }, shop.Admin);
        var validation = await Carts.ValidateCartAsync(new ValidateCartRequest { CartId = "me" }, customer);

        Assert.False(validation.Valid);
        var problem = Assert.Single(validation.Problems);
        Assert.Equal((short_, LineIssue.InsufficientStock), (problem.Sku, problem.Issue));
        Assert.Contains("Only 2 available", problem.Message);
        var line = validation.Cart.Lines.Single(line => line.Sku == short_);
        Assert.Equal((Availability.Limited, 2L), (line.Availability, line.Available));
    }

    [Fact]
    public async Task A_discontinued_sku_is_a_problem_in_the_cart_and_cannot_be_added_again()
    {
        var product = await shop.NewProductAsync(stock: 5);
        var sku = product.Variants[0].Sku;
        var (_, customer) = await shop.NewCustomerAsync();
        await Carts.AddItemAsync(new AddItemRequest { CartId = "me", Sku = sku, Quantity = 1 }, customer);

        await shop.Catalog.DeleteProductAsync(new DeleteProductRequest { ProductId = product.ProductId }, shop.Admin);
        var validation = await Carts.ValidateCartAsync(new ValidateCartRequest { CartId = "me" }, customer);
        var again = await Assert.ThrowsAsync<RpcException>(() => Carts.AddItemAsync(new AddItemRequest { CartId = "me", Sku = sku, Quantity = 1 }, customer).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Carts.AddItemAsync(new AddItemRequest { CartId = "me", Sku = "NO-SUCH-SKU-" + Guid.NewGuid().ToString("N")[..8], Quantity = 1 }, customer).ResponseAsync);

        Assert.Equal(LineIssue.Discontinued, Assert.Single(validation.Problems).Issue);
        Assert.Equal(Availability.Unavailable, validation.Cart.Lines.Single().Availability);
        Assert.Equal(CartTestEnvironment.Euros(0), validation.Cart.Subtotal);
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Fifty_concurrent_adds_to_one_cart_give_the_exact_total()
    {
        var product = await shop.NewProductAsync(stock: 200);
        var (_, customer) = await shop.NewCustomerAsync();
        var (a, b) = (product.Variants[0].Sku, product.Variants[1].Sku);

        // Two "devices" on two connections, 25 adds each, alternating SKUs.
        using var other = global::Grpc.Net.Client.GrpcChannel.ForAddress(shop.Cart.Address);
        var clients = new[] { Carts, new CartService.CartServiceClient(other) };
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            clients[i % 2].AddItemAsync(new AddItemRequest { CartId = "me", Sku = i % 4 < 2 ? a : b, Quantity = i % 3 == 0 ? 2 : 1 }, customer).ResponseAsync));

        var cart = (await Carts.GetCartAsync(new GetCartRequest { CartId = "me" }, customer)).Cart;
        var expected = Enumerable.Range(0, 50).Sum(i => i % 3 == 0 ? 2 : 1);
        Assert.Equal(expected, cart.TotalQuantity);
        Assert.Equal(expected, cart.Lines.Sum(line => line.Quantity));
        Assert.Equal(2, cart.Lines.Count);
    }

    [Fact]
    public async Task Saved_for_later_lines_move_out_of_the_total_and_back()
    {
        var product = await shop.NewProductAsync(stock: 10);
        var (kept, saved) = (product.Variants[0].Sku, product.Variants[1].Sku);
        var (_, customer) = await shop.NewCustomerAsync();
        await Carts.AddItemAsync(new AddItemRequest { CartId = "me", Sku = kept, Quantity = 1 }, customer);
        await Carts.AddItemAsync(new AddItemRequest { CartId = "me", Sku = saved, Quantity = 3 }, customer);

        var afterSave = (await Carts.SaveForLaterAsync(new SaveForLaterRequest { CartId = "me", Sku = saved }, customer)).Cart;
        var afterMove = (await Carts.MoveToCartAsync(new MoveToCartRequest { CartId = "me", Sku = saved }, customer)).Cart;

        Assert.Equal([kept], afterSave.Lines.Select(line => line.Sku));
        Assert.Equal((saved, 3L, "Trail runner"), (afterSave.SavedForLater.Single().Sku, afterSave.SavedForLater.Single().Quantity, afterSave.SavedForLater.Single().Name));
        Assert.Equal(Euros(12, 750_000_000), afterSave.Subtotal);
        Assert.Empty(afterMove.SavedForLater);
        Assert.Equal(4, afterMove.TotalQuantity);
    }

    [Fact]
    public async Task Limits_are_invalid_argument_naming_the_field()
    {
        await using var small = await CartHost.StartAsync(shop, new Dictionary<string, string> { ["Cart:MaxLines"] = "2", ["Cart:MaxQuantityPerLine"] = "5" });
        var product = await shop.NewProductAsync(stock: 20, sizes: ["S", "M", "L"]);
        var guest = await shop.NewGuestAsync(small);
        await small.Client.AddItemAsync(new AddItemRequest { CartId = "guest", Sku = product.Variants[0].Sku, Quantity = 4 }, guest);
        await small.Client.AddItemAsync(new AddItemRequest { CartId = "guest", Sku = product.Variants[1].Sku, Quantity = 1 }, guest);

        var overLine = await Assert.ThrowsAsync<RpcException>(() => small.Client.AddItemAsync(new AddItemRequest { CartId = "guest", Sku = product.Variants[0].Sku, Quantity = 2 }, guest).ResponseAsync);
        var overQuantity = await Assert.ThrowsAsync<RpcException>(() => small.Client.AddItemAsync(new AddItemRequest { CartId = "guest", Sku = product.Variants[0].Sku, Quantity = 6 }, guest).ResponseAsync);
        var overLines = await Assert.ThrowsAsync<RpcException>(() => small.Client.AddItemAsync(new AddItemRequest { CartId = "guest", Sku = product.Variants[2].Sku, Quantity = 1 }, guest).ResponseAsync);

        Assert.Equal((StatusCode.InvalidArgument, StatusCode.InvalidArgument, StatusCode.InvalidArgument), (overLine.StatusCode, overQuantity.StatusCode, overLines.StatusCode));
        Assert.Contains("quantity", overLine.Status.Detail);
        Assert.Contains("6", overLine.Status.Detail);
        Assert.Contains("quantity", overQuantity.Status.Detail);
        Assert.Contains("sku", overLines.Status.Detail);
        var cart = (await small.Client.GetCartAsync(new GetCartRequest { CartId = "guest" }, guest)).Cart;
        Assert.Equal(5, cart.TotalQuantity);
    }

    [Fact]
    public async Task More_than_is_available_cannot_be_added()
    {
        var product = await shop.NewProductAsync(stock: 3);
        var (_, customer) = await shop.NewCustomerAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => Carts.AddItemAsync(new AddItemRequest { CartId = "me", Sku = product.Variants[0].Sku, Quantity = 4 }, customer).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("3 available", error.Status.Detail);
    }
}
