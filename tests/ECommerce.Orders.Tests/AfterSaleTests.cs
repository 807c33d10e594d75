using ECommerce.Contracts.Orders.V1;
using ECommerce.Contracts.Payment.V1;
using ECommerce.Contracts.Shipping.V1;
using Grpc.Core;

namespace ECommerce.Orders.Tests;

public sealed class AfterSaleTests(OrdersTestEnvironment shop)
{
    [Fact]
    public async Task A_customer_cancelling_an_order_before_it_ships_gets_the_shipment_cancelled_the_payment_refunded_the_stock_back_and_the_order_cancelled_once()
    {
        var sku = await shop.NewSkuAsync(stock: 5);
        var customer = await shop.ShopperAsync(sku, quantity: 2);
        var order = (await shop.OrdersClient.PlaceOrderAsync(await shop.CheckoutAsync(customer), customer.Token)).Order;
        var sold = await shop.StockAsync(sku);

        var cancel = new CancelOrderRequest { OrderId = order.OrderId, Reason = "changed my mind" };
        var cancelled = (await shop.OrdersClient.CancelOrderAsync(cancel, customer.Token)).Order;
        var again = (await shop.OrdersClient.CancelOrderAsync(cancel, customer.Token)).Order;

        Assert.Equal((OrderStatus.Cancelled, OrderStatus.Cancelled), (cancelled.Status, again.Status));
        Assert.Equal(order.Total.ToDecimal(), cancelled.Refunded.ToDecimal());
        var last = cancelled.History[^1];
        Assert.Equal((OrderStatus.Cancelled, $"user:{customer.UserId}", "changed my mind"), (last.Status, last.Actor, last.Reason));
        Assert.Single(cancelled.History, e => e.Status == OrderStatus.Cancelled);
        var payment = Assert.Single(await shop.PaymentsOfAsync(order.OrderId));
        Assert.Equal((PaymentStatus.Refunded, order.Total.ToDecimal()), (payment.Status, payment.Refunded.ToDecimal()));
        var shipment = (await shop.Shipping.Client.GetShipmentAsync(new GetShipmentRequest { ShipmentId = order.ShipmentId }, shop.Admin)).Shipment;
        Assert.Equal(ShipmentStatus.Cancelled, shipment.Status);
        Assert.Equal((3L, 0L), (sold.OnHand, sold.Reserved));
        var back = await shop.StockAsync(sku);
        Assert.Equal((5L, 0L, 5L), (back.OnHand, back.Reserved, back.Available));
    }

    [Fact]
    public async Task An_admin_refunds_part_then_the_rest_and_the_order_ends_refunded_and_more_is_refused()
    {
        var sku = await shop.NewSkuAsync(stock: 5);
        var customer = await shop.ShopperAsync(sku, quantity: 2);
        var order = (await shop.OrdersClient.PlaceOrderAsync(await shop.CheckoutAsync(customer), customer.Token)).Order;

        var part = new RefundOrderRequest { OrderId = order.OrderId, Amount = OrdersTestEnvironment.Euros(10), IdempotencyKey = "part", Reason = "scuffed box" };
        var afterPart = (await shop.OrdersClient.RefundOrderAsync(part, shop.Admin)).Order;
        var replayed = (await shop.OrdersClient.RefundOrderAsync(part, shop.Admin)).Order;
        Assert.Equal((OrderStatus.Fulfilling, 10m), (afterPart.Status, afterPart.Refunded.ToDecimal()));
        Assert.Equal(10m, replayed.Refunded.ToDecimal());

        var rest = (await shop.OrdersClient.RefundOrderAsync(new RefundOrderRequest { OrderId = order.OrderId, IdempotencyKey = "rest" }, shop.Admin)).Order;
        Assert.Equal((OrderStatus.Refunded, order.Total.ToDecimal()), (rest.Status, rest.Refunded.ToDecimal()));
        Assert.Equal($"admin:{shop.AdminId}", rest.History[^1].Actor);
        Assert.Equal(PaymentStatus.Refunded, Assert.Single(await shop.PaymentsOfAsync(order.OrderId)).Status);

        var more = await Assert.ThrowsAsync<RpcException>(() => shop.OrdersClient.RefundOrderAsync(new RefundOrderRequest
        {
            OrderId = order.OrderId, IdempotencyKey = "more", Amount = OrdersTestEnvironment.Euros(1),
        }, shop.Admin).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, more.StatusCode);
    }

    [Fact]
    public async Task A_returned_parcel_received_by_the_carrier_refunds_the_delivered_order_in_full()
    {
        var sku = await shop.NewSkuAsync(stock: 5);
        var customer = await shop.ShopperAsync(sku, quantity: 2);
        var order = (await shop.OrdersClient.PlaceOrderAsync(await shop.CheckoutAsync(customer), customer.Token)).Order;
        for (var step = 0; step < 4; step++)
        {
            await shop.Shipping.Carrier.AdvanceAsync(order.ShipmentId);
        }
        await Eventually.TrueAsync(async () => (await OrderAsync(order, customer)).Status == OrderStatus.Delivered, "the order was not delivered");

        await shop.Shipping.Client.CreateReturnAsync(new CreateReturnRequest { ShipmentId = order.ShipmentId, Reason = "too small" }, customer.Token);
        // The carrier brings the parcel back one step at a time; the last one reports it received.
        await Eventually.TrueAsync(async () =>
        {
            if ((await OrderAsync(order, customer)).Status == OrderStatus.Refunded)
            {
                return true;
            }
            try
            {
                await shop.Shipping.Carrier.AdvanceAsync(order.ShipmentId);
            }
            catch (InvalidOperationException)
            {
                // Received already: nothing left to move, ReturnReceived is on its way.
            }
            return false;
        }, "ReturnReceived did not refund the order", seconds: 90);

        var refunded = await OrderAsync(order, customer);
        Assert.Equal(order.Total.ToDecimal(), refunded.Refunded.ToDecimal());
        Assert.Equal((OrderStatus.Refunded, "shipping", "return received"), (refunded.History[^1].Status, refunded.History[^1].Actor, refunded.History[^1].Reason));
        var payment = Assert.Single(await shop.PaymentsOfAsync(order.OrderId));
        Assert.Equal((PaymentStatus.Refunded, order.Total.ToDecimal()), (payment.Status, payment.Refunded.ToDecimal()));
    }

    [Fact]
    public async Task A_failed_order_cannot_be_cancelled_or_refunded()
    {
        var sku = await shop.NewSkuAsync(stock: 5);
        var customer = await shop.ShopperAsync(sku);
        var order = (await shop.OrdersClient.PlaceOrderAsync(await shop.CheckoutAsync(customer, SandboxCards.Declined), customer.Token)).Order;

        var cancel = await Assert.ThrowsAsync<RpcException>(() => shop.OrdersClient.CancelOrderAsync(new CancelOrderRequest { OrderId = order.OrderId }, customer.Token).ResponseAsync);
        var refund = await Assert.ThrowsAsync<RpcException>(() => shop.OrdersClient.RefundOrderAsync(new RefundOrderRequest { OrderId = order.OrderId, IdempotencyKey = "r" }, shop.Admin).ResponseAsync);

        Assert.Equal((StatusCode.FailedPrecondition, StatusCode.FailedPrecondition), (cancel.StatusCode, refund.StatusCode));
        Assert.Equal(OrderStatus.Failed, (await shop.OrdersClient.GetOrderAsync(new GetOrderRequest { OrderId = order.OrderId }, customer.Token)).Order.Status);
    }

    private async Task<Order> OrderAsync(Order order, Customer customer) =>
        (await shop.OrdersClient.GetOrderAsync(new GetOrderRequest { OrderId = order.OrderId }, customer.Token)).Order;
}
