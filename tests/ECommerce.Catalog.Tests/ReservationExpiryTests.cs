using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Events.V1;
using Grpc.Core;

namespace ECommerce.Catalog.Tests;

/// <summary>A catalog of its own whose reservations last two seconds.</summary>
public sealed class ReservationExpiryTests(CatalogTestEnvironment shop) : IAsyncLifetime
{
    private CatalogServiceHost _catalog = null!;

    public async ValueTask InitializeAsync() => _catalog = await shop.StartCatalogAsync(new Dictionary<string, string>
    {
        ["Catalog:ReservationTtl"] = "00:00:02",
        ["Catalog:ReservationSweepInterval"] = "00:00:00.200",
    });

    public ValueTask DisposeAsync() => _catalog.DisposeAsync();

    [Fact]
    public async Task An_uncommitted_reservation_expires_and_its_units_come_back()
    {
        var sku = (await shop.NewProductAsync(stock: 3, catalog: _catalog)).Variants[0].Sku;
        var orderId = InventoryTests.NewOrderId();
        var asked = DateTimeOffset.UtcNow;
        var reserved = await _catalog.Inventory.ReserveStockAsync(new ReserveStockRequest { OrderId = orderId, Lines = { new StockLine { Sku = sku, Quantity = 3 } } }, shop.Orders);
        Assert.InRange(reserved.ExpiresAt.ToDateTimeOffset() - asked, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(10));

        var available = 0L;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (available != 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            available = (await _catalog.Inventory.GetStockAsync(new GetStockRequest { Sku = sku })).Stock.Available;
        }

        Assert.Equal(3, available);
        var commit = await Assert.ThrowsAsync<RpcException>(() => _catalog.Inventory.CommitStockAsync(new CommitStockRequest { OrderId = orderId }, shop.Orders).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, commit.StatusCode);
        Assert.Contains("expired", commit.Status.Detail);
        Assert.Equal(orderId, shop.ReadEvent("catalog.inventory", sku, InventoryChanged.Parser, changed => changed.Reason == "expired").OrderId);
    }

    [Fact]
    public async Task A_commit_arriving_after_expiry_fails_even_before_the_sweeper_runs()
    {
        await using var slowSweeper = await shop.StartCatalogAsync(new Dictionary<string, string>
        {
            ["Catalog:ReservationTtl"] = "00:00:01",
            ["Catalog:ReservationSweepInterval"] = "01:00:00",
        });
        var sku = (await shop.NewProductAsync(stock: 2, catalog: slowSweeper)).Variants[0].Sku;
        var orderId = InventoryTests.NewOrderId();
        await slowSweeper.Inventory.ReserveStockAsync(new ReserveStockRequest { OrderId = orderId, Lines = { new StockLine { Sku = sku, Quantity = 2 } } }, shop.Orders);
        await Task.Delay(1500);

        var commit = await Assert.ThrowsAsync<RpcException>(() => slowSweeper.Inventory.CommitStockAsync(new CommitStockRequest { OrderId = orderId }, shop.Orders).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, commit.StatusCode);
        Assert.Equal(2, (await slowSweeper.Inventory.GetStockAsync(new GetStockRequest { Sku = sku })).Stock.Available);
    }
}
