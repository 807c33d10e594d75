using ECommerce.Contracts.Orders.V1;
using ECommerce.Contracts.Payment.V1;
using Google.Rpc;
using Grpc.Core;

namespace ECommerce.Orders.Tests;

public sealed class FlashSaleTests(OrdersTestEnvironment shop)
{
    // The sale is 500 buyers of 50 units; on two shared cores with six services that takes minutes, so the test
    // keeps the ratio at 100 buyers of 10 units (the benchmark is the place for the larger run).
    private const int Buyers = 100;
    private const int Units = 10;

    [Fact]
    public async Task Concurrent_buyers_of_one_sku_get_exactly_as_many_paid_orders_as_units_and_the_rest_fail_without_charge_or_reservation()
    {
        var sku = await shop.NewSkuAsync(stock: Units);
        var buyers = new List<Customer>();
        foreach (var chunk in Enumerable.Range(0, Buyers).Chunk(10))
        {
            buyers.AddRange(await Task.WhenAll(chunk.Select(_ => shop.ShopperAsync(sku))));
        }
        var requests = await Task.WhenAll(buyers.Select(buyer => shop.CheckoutAsync(buyer)));

        var outcomes = await Task.WhenAll(buyers.Select((buyer, i) => PlaceAsync(requests[i], buyer)));

        var orders = outcomes.OfType<PlaceOrderResponse>().ToList();
        var paid = orders.Where(o => o.Order.Status == OrderStatus.Fulfilling).ToList();
        var failed = orders.Where(o => o.Order.Status == OrderStatus.Failed).ToList();
        var soldOut = outcomes.Count(outcome => outcome is null);
        Assert.Equal(Units, paid.Count);
        // Late buyers are told "out of stock" before anything is recorded; the others' orders failed at the reservation.
        Assert.Equal(Buyers - Units, failed.Count + soldOut);
        Assert.Equal(orders.Count, paid.Count + failed.Count);
        var stock = await shop.StockAsync(sku);
        Assert.Equal((0L, 0L), (stock.OnHand, stock.Reserved));
        foreach (var loser in failed)
        {
            Assert.DoesNotContain(await shop.PaymentsOfAsync(loser.Order.OrderId), p => p.Status is PaymentStatus.Captured or PaymentStatus.Authorized);
        }
    }

    /// <summary>
    /// As a buyer's app does: a checkout refused for want of a turn is sent again, same key, after the delay it names.
    /// Null when the buyer was told the SKU is out of stock (nothing recorded).
    /// </summary>
    private async Task<PlaceOrderResponse?> PlaceAsync(PlaceOrderRequest request, Customer buyer)
    {
        while (true)
        {
            try
            {
                return await shop.OrdersClient.PlaceOrderAsync(request, buyer.Token, deadline: DateTime.UtcNow.AddMinutes(5));
            }
            catch (RpcException busy) when (busy.StatusCode == StatusCode.ResourceExhausted)
            {
                await Task.Delay(busy.GetRpcStatus()!.GetDetail<RetryInfo>()!.RetryDelay.ToTimeSpan());
            }
            catch (RpcException soldOut) when (soldOut.StatusCode == StatusCode.FailedPrecondition && soldOut.Status.Detail.Contains("Out of stock", StringComparison.Ordinal))
            {
                return null;
            }
        }
    }
}
