using ECommerce.Contracts.Catalog.V1;
using Google.Rpc;
using Grpc.Core;

namespace ECommerce.Catalog.Tests;

public sealed class FlashSaleTests(CatalogTestEnvironment shop)
{
    private const int Units = 50;
    private const int Buyers = 500;

    [Fact]
    public async Task Five_hundred_concurrent_buyers_of_fifty_units_buy_exactly_fifty_and_the_rest_are_told_why()
    {
        var sku = (await shop.NewProductAsync(stock: Units)).Variants[0].Sku;
        var inventory = shop.Catalog.Inventory;
        var lowestSeen = long.MaxValue;
        using var saleOver = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!saleOver.IsCancellationRequested)
            {
                var stock = (await inventory.GetStockAsync(new GetStockRequest { Sku = sku })).Stock;
                lowestSeen = Math.Min(lowestSeen, stock.Available);
            }
        });
        using var start = new SemaphoreSlim(0);

        var attempts = Enumerable.Range(0, Buyers).Select(async buyer =>
        {
            await start.WaitAsync();
            try
            {
                await inventory.ReserveStockAsync(new ReserveStockRequest
                {
                    OrderId = $"flash-{buyer}-{Guid.NewGuid():N}",
                    Lines = { new StockLine { Sku = sku, Quantity = 1 } },
                }, shop.Orders);
                return (Won: true, Error: (RpcException?)null);
            }
            catch (RpcException e)
            {
                return (Won: false, Error: e);
            }
        }).ToList();
        start.Release(Buyers);
        var outcomes = await Task.WhenAll(attempts);
        await saleOver.CancelAsync();
        await watcher;

        Assert.Equal(Units, outcomes.Count(outcome => outcome.Won));
        var losers = outcomes.Where(outcome => !outcome.Won).Select(outcome => outcome.Error!).ToList();
        Assert.Equal(Buyers - Units, losers.Count);
        Assert.All(losers, error =>
        {
            Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
            var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations);
            Assert.Equal(($"skus/{sku}", "1 requested, 0 available"), (violation.Subject, violation.Description));
        });
        var final = (await inventory.GetStockAsync(new GetStockRequest { Sku = sku })).Stock;
        Assert.Equal((50L, 50L, 0L), (final.OnHand, final.Reserved, final.Available));
        Assert.True(lowestSeen >= 0, $"available stock was seen at {lowestSeen}");
        Assert.Equal(Units, await shop.Catalog.QueryAsync<long>("SELECT count(*) FROM reservation_lines WHERE sku = $1", sku));
    }
}
