using ECommerce.Contracts.Orders.V1;
using Grpc.Core;

namespace ECommerce.Orders.Tests;

public sealed class IdempotencyTests(OrdersTestEnvironment shop)
{
    [Fact]
    public async Task Twenty_concurrent_identical_requests_make_one_order_and_one_authorization_and_get_the_same_answer()
    {
        var sku = await shop.NewSkuAsync(stock: 50);
        var customer = await shop.ShopperAsync(sku, quantity: 1);
        var request = await shop.CheckoutAsync(customer);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            shop.OrdersClient.PlaceOrderAsync(request, customer.Token, deadline: DateTime.UtcNow.AddMinutes(2)).ResponseAsync));

        var orderId = Assert.Single(answers.Select(a => a.Order.OrderId).Distinct());
        Assert.All(answers, a => Assert.Equal(OrderStatus.Fulfilling, a.Order.Status));
        Assert.Single(await shop.PaymentsOfAsync(orderId));
        Assert.Single((await shop.OrdersClient.ListOrdersAsync(new ListOrdersRequest(), customer.Token)).Orders);
        Assert.Equal(49L, (await shop.StockAsync(sku)).OnHand);

        var retried = (await shop.OrdersClient.PlaceOrderAsync(request, customer.Token)).Order;
        Assert.Equal((orderId, OrderStatus.Fulfilling), (retried.OrderId, retried.Status));
    }

    [Fact]
    public async Task The_same_key_with_another_request_is_refused_naming_idempotency_key()
    {
        var sku = await shop.NewSkuAsync(stock: 5);
        var customer = await shop.ShopperAsync(sku);
        var request = await shop.CheckoutAsync(customer);
        var first = (await shop.OrdersClient.PlaceOrderAsync(request, customer.Token)).Order;

        var other = request.Clone();
        other.ShippingAddress.Line1 = "2 Difference Engine Road";
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await shop.OrdersClient.PlaceOrderAsync(other, customer.Token));

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("idempotency_key", refused.Status.Detail);
        Assert.Single(await shop.PaymentsOfAsync(first.OrderId));
    }

    [Fact]
    public async Task Keys_are_per_customer_so_two_customers_may_use_the_same_key()
    {
        var sku = await shop.NewSkuAsync(stock: 5);
        var (one, two) = (await shop.ShopperAsync(sku), await shop.ShopperAsync(sku));
        var key = Guid.NewGuid().ToString();

        var first = (await shop.OrdersClient.PlaceOrderAsync(await shop.CheckoutAsync(one, key: key), one.Token)).Order;
        var second = (await shop.OrdersClient.PlaceOrderAsync(await shop.CheckoutAsync(two, key: key), two.Token)).Order;

        Assert.NotEqual(first.OrderId, second.OrderId);
        Assert.Equal((OrderStatus.Fulfilling, OrderStatus.Fulfilling), (first.Status, second.Status));
    }
}
