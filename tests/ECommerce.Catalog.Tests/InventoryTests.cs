using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Events.V1;
using Google.Rpc;
using Grpc.Core;

namespace ECommerce.Catalog.Tests;

public sealed class InventoryTests(CatalogTestEnvironment shop)
{
    private InventoryService.InventoryServiceClient Inventory => shop.Catalog.Inventory;

    [Fact]
    public async Task Receiving_goods_raises_on_hand_and_writing_off_more_than_is_free_is_refused()
    {
        var sku = (await shop.NewProductAsync()).Variants[0].Sku;

        var received = await Inventory.AdjustStockAsync(new AdjustStockRequest { Sku = sku, Delta = 10, Reason = "PO-1" }, shop.Admin);
        await Inventory.ReserveStockAsync(new ReserveStockRequest { OrderId = NewOrderId(), Lines = { new StockLine { Sku = sku, Quantity = 4 } } }, shop.Orders);
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Inventory.AdjustStockAsync(new AdjustStockRequest { Sku = sku, Delta = -7, Reason = "damaged" }, shop.Admin).ResponseAsync);
        var stock = (await Inventory.GetStockAsync(new GetStockRequest { Sku = sku })).Stock;

        Assert.Equal(10, received.Stock.OnHand);
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal((10L, 4L, 6L), (stock.OnHand, stock.Reserved, stock.Available));
    }

    [Fact]
    public async Task A_reservation_takes_every_line_or_none_and_names_the_short_skus()
    {
        var product = await shop.NewProductAsync(stock: 3);
        var (plenty, scarce) = (product.Variants[0].Sku, product.Variants[1].Sku);

        var error = await Assert.ThrowsAsync<RpcException>(() => Inventory.ReserveStockAsync(new ReserveStockRequest
        {
            OrderId = NewOrderId(),
            Lines = { new StockLine { Sku = plenty, Quantity = 2 }, new StockLine { Sku = scarce, Quantity = 2 }, new StockLine { Sku = scarce, Quantity = 2 } },
        }, shop.Orders).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations);
        Assert.Equal(($"skus/{scarce}", "4 requested, 3 available"), (violation.Subject, violation.Description));
        Assert.Equal(3, (await Inventory.GetStockAsync(new GetStockRequest { Sku = plenty })).Stock.Available);
    }

    [Fact]
    public async Task Reserving_again_for_the_same_order_returns_the_same_reservation_and_takes_nothing_more()
    {
        var sku = (await shop.NewProductAsync(stock: 5)).Variants[0].Sku;
        var request = new ReserveStockRequest { OrderId = NewOrderId(), Lines = { new StockLine { Sku = sku, Quantity = 2 } } };

        var replies = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Inventory.ReserveStockAsync(request, shop.Orders).ResponseAsync));

        Assert.Single(replies.Select(reply => reply.ReservationId).Distinct());
        Assert.Equal(3, (await Inventory.GetStockAsync(new GetStockRequest { Sku = sku })).Stock.Available);
    }

    [Fact]
    public async Task Releasing_returns_the_units_and_is_idempotent()
    {
        var sku = (await shop.NewProductAsync(stock: 5)).Variants[0].Sku;
        var orderId = NewOrderId();
        await Inventory.ReserveStockAsync(new ReserveStockRequest { OrderId = orderId, Lines = { new StockLine { Sku = sku, Quantity = 5 } } }, shop.Orders);

        await Inventory.ReleaseStockAsync(new ReleaseStockRequest { OrderId = orderId }, shop.Orders);
        await Inventory.ReleaseStockAsync(new ReleaseStockRequest { OrderId = orderId }, shop.Orders);
        var commitAfterRelease = await Assert.ThrowsAsync<RpcException>(() => Inventory.CommitStockAsync(new CommitStockRequest { OrderId = orderId }, shop.Orders).ResponseAsync);

        var stock = (await Inventory.GetStockAsync(new GetStockRequest { Sku = sku })).Stock;
        Assert.Equal((5L, 0L, 5L), (stock.OnHand, stock.Reserved, stock.Available));
        Assert.Equal(StatusCode.FailedPrecondition, commitAfterRelease.StatusCode);
    }

    [Fact]
    public async Task Committing_sells_the_units_once_and_a_sold_reservation_cannot_be_released()
    {
        var sku = (await shop.NewProductAsync(stock: 5)).Variants[0].Sku;
        var orderId = NewOrderId();
        await Inventory.ReserveStockAsync(new ReserveStockRequest { OrderId = orderId, Lines = { new StockLine { Sku = sku, Quantity = 2 } } }, shop.Orders);

        await Inventory.CommitStockAsync(new CommitStockRequest { OrderId = orderId }, shop.Orders);
        await Inventory.CommitStockAsync(new CommitStockRequest { OrderId = orderId }, shop.Orders);
        var release = await Assert.ThrowsAsync<RpcException>(() => Inventory.ReleaseStockAsync(new ReleaseStockRequest { OrderId = orderId }, shop.Orders).ResponseAsync);

        var stock = (await Inventory.GetStockAsync(new GetStockRequest { Sku = sku })).Stock;
        Assert.Equal((3L, 0L, 3L), (stock.OnHand, stock.Reserved, stock.Available));
        Assert.Equal(StatusCode.FailedPrecondition, release.StatusCode);
        var committed = shop.ReadEvent("catalog.inventory", sku, InventoryChanged.Parser, changed => changed.Reason == "committed");
        Assert.Equal((orderId, 3L), (committed.OrderId, committed.OnHand));
    }

    [Fact]
    public async Task Returning_a_sale_puts_its_units_back_on_hand_once()
    {
        var sku = (await shop.NewProductAsync(stock: 5)).Variants[0].Sku;
        var orderId = NewOrderId();
        await Inventory.ReserveStockAsync(new ReserveStockRequest { OrderId = orderId, Lines = { new StockLine { Sku = sku, Quantity = 2 } } }, shop.Orders);
        await Inventory.CommitStockAsync(new CommitStockRequest { OrderId = orderId }, shop.Orders);

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Inventory.ReturnStockAsync(new ReturnStockRequest { OrderId = orderId }, shop.Orders).ResponseAsync));
        var commitAfterReturn = await Assert.ThrowsAsync<RpcException>(() => Inventory.CommitStockAsync(new CommitStockRequest { OrderId = orderId }, shop.Orders).ResponseAsync);

        var stock = (await Inventory.GetStockAsync(new GetStockRequest { Sku = sku })).Stock;
        Assert.Equal((5L, 0L, 5L), (stock.OnHand, stock.Reserved, stock.Available));
        Assert.Equal(StatusCode.FailedPrecondition, commitAfterReturn.StatusCode);
        var returned = shop.ReadEvent("catalog.inventory", sku, InventoryChanged.Parser, changed => changed.Reason == "returned");
        Assert.Equal((orderId, 5L, 5L), (returned.OrderId, returned.OnHand, returned.Available));
    }

    [Fact]
    public async Task Only_a_sale_can_be_returned()
    {
        var sku = (await shop.NewProductAsync(stock: 5)).Variants[0].Sku;
        var (reservedOrder, releasedOrder) = (NewOrderId(), NewOrderId());
        await Inventory.ReserveStockAsync(new ReserveStockRequest { OrderId = reservedOrder, Lines = { new StockLine { Sku = sku, Quantity = 2 } } }, shop.Orders);
        await Inventory.ReserveStockAsync(new ReserveStockRequest { OrderId = releasedOrder, Lines = { new StockLine { Sku = sku, Quantity = 1 } } }, shop.Orders);
        await Inventory.ReleaseStockAsync(new ReleaseStockRequest { OrderId = releasedOrder }, shop.Orders);

        var notSold = await Assert.ThrowsAsync<RpcException>(() => Inventory.ReturnStockAsync(new ReturnStockRequest { OrderId = reservedOrder }, shop.Orders).ResponseAsync);
        var released = await Assert.ThrowsAsync<RpcException>(() => Inventory.ReturnStockAsync(new ReturnStockRequest { OrderId = releasedOrder }, shop.Orders).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Inventory.ReturnStockAsync(new ReturnStockRequest { OrderId = NewOrderId() }, shop.Orders).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, notSold.StatusCode);
        Assert.Equal($"orders/{reservedOrder}", Assert.Single(notSold.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations).Subject);
        Assert.Equal(StatusCode.FailedPrecondition, released.StatusCode);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        var stock = (await Inventory.GetStockAsync(new GetStockRequest { Sku = sku })).Stock;
        Assert.Equal((5L, 2L, 3L), (stock.OnHand, stock.Reserved, stock.Available));
    }

    [Fact]
    public async Task Falling_to_the_low_stock_threshold_announces_StockLevelLow()
    {
        var sku = (await shop.NewProductAsync(stock: 8)).Variants[0].Sku;

        await Inventory.ReserveStockAsync(new ReserveStockRequest { OrderId = NewOrderId(), Lines = { new StockLine { Sku = sku, Quantity = 4 } } }, shop.Orders);

        var low = shop.ReadEvent("catalog.inventory", sku, StockLevelLow.Parser);
        Assert.Equal((4L, 5L), (low.Available, low.Threshold));
    }

    [Fact]
    public async Task Orders_locking_the_same_skus_in_opposite_order_both_finish()
    {
        var product = await shop.NewProductAsync(stock: 1000);
        var (a, b) = (product.Variants[0].Sku, product.Variants[1].Sku);

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Inventory.ReserveStockAsync(new ReserveStockRequest
        {
            OrderId = NewOrderId(),
            Lines = { new StockLine { Sku = i % 2 == 0 ? a : b, Quantity = 1 }, new StockLine { Sku = i % 2 == 0 ? b : a, Quantity = 1 } },
        }, shop.Orders).ResponseAsync));

        Assert.Equal(40, (await Inventory.GetStockAsync(new GetStockRequest { Sku = a })).Stock.Reserved);
        Assert.Equal(40, (await Inventory.GetStockAsync(new GetStockRequest { Sku = b })).Stock.Reserved);
    }

    internal static string NewOrderId() => $"order-{Guid.NewGuid():N}";
}
