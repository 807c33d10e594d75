using ECommerce.Contracts.Orders.V1;
using ECommerce.Contracts.Payment.V1;
using Google.Rpc;
using Grpc.Core;

namespace ECommerce.Orders.Tests;

/// <summary>Admission control: checkouts beyond the ones running get a clear "come back" at once, with nothing recorded.</summary>
public sealed class AdmissionTests(OrdersTestEnvironment shop)
{
    [Fact]
    public async Task A_checkout_without_a_turn_is_refused_at_once_with_a_retry_delay_and_nothing_recorded_and_succeeds_when_sent_again()
    {
        // A provider that takes 2 s per answer keeps the one turn busy for several seconds.
        await using var slowPayment = await PaymentStack.StartAsync(shop, latencyMs: 2000);
        await using var orders = await OrdersProcess.StartAsync(shop, new Dictionary<string, string>
        {
            ["services__payment__grpc__0"] = slowPayment.Service.Address.ToString(),
            ["Orders__MaxConcurrentCheckouts"] = "1",
            ["Orders__AdmissionQueue"] = "0",
        });
        var sku = await shop.NewSkuAsync(stock: 5);
        var first = await shop.ShopperAsync(sku);
        var second = await shop.ShopperAsync(sku);
        var firstRequest = await slowPayment.CheckoutAsync(shop, first);
        var secondRequest = await slowPayment.CheckoutAsync(shop, second);

        var running = orders.Client.PlaceOrderAsync(firstRequest, first.Token, deadline: DateTime.UtcNow.AddMinutes(2)).ResponseAsync;
        await Eventually.TrueAsync(async () => await orders.QueryAsync<long>("SELECT count(*) FROM orders") == 1, "the first checkout was not recorded", seconds: 60);

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await orders.Client.PlaceOrderAsync(secondRequest, second.Token));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("same idempotency_key", refused.Status.Detail);
        Assert.Equal(TimeSpan.FromSeconds(2), refused.GetRpcStatus()!.GetDetail<RetryInfo>()!.RetryDelay.ToTimeSpan());
        Assert.Empty((await orders.Client.ListOrdersAsync(new ListOrdersRequest(), second.Token)).Orders);
        Assert.Equal(1L, await orders.QueryAsync<long>("SELECT count(*) FROM orders"));

        // The first buyer repeating their request is not refused: a known key joins its checkout without a turn.
        var repeated = orders.Client.PlaceOrderAsync(firstRequest, first.Token, deadline: DateTime.UtcNow.AddMinutes(2)).ResponseAsync;
        var (placed, again) = (await running, await repeated);
        Assert.Equal((OrderStatus.Fulfilling, placed.Order.OrderId), (again.Order.Status, again.Order.OrderId));

        var retried = (await orders.Client.PlaceOrderAsync(secondRequest, second.Token, deadline: DateTime.UtcNow.AddMinutes(2))).Order;
        Assert.Equal(OrderStatus.Fulfilling, retried.Status);
        var payments = new PaymentService.PaymentServiceClient(slowPayment.Service.Channel);
        foreach (var order in new[] { placed.Order, retried })
        {
            var payment = Assert.Single((await payments.ListPaymentsAsync(new ListPaymentsRequest { OrderId = order.OrderId }, shop.OrdersService)).Payments);
            Assert.Equal(PaymentStatus.Captured, payment.Status);
        }
        var stock = await shop.StockAsync(sku);
        Assert.Equal((3L, 0L), (stock.OnHand, stock.Reserved));
    }
}
