using ECommerce.Contracts.Orders.V1;
using Grpc.Core;
using ECommerce.Contracts.Payment.V1;
using ECommerce.Contracts.Shipping.V1;

namespace ECommerce.Orders.Tests;

/// <summary>The checkout against real Catalog, Cart and Payment processes: its end state in every participant.</summary>
public sealed class CheckoutTests(OrdersTestEnvironment shop)
{
    [Fact]
    public async Task A_checkout_ends_paid_and_fulfilling_with_stock_committed_the_payment_captured_a_shipment_booked_and_the_cart_emptied()
    {
        var sku = await shop.NewSkuAsync(stock: 5);
        var customer = await shop.ShopperAsync(sku, quantity: 2);
        var request = await shop.CheckoutAsync(customer);
        var quote = (await shop.Shipping.Client.GetQuoteAsync(new GetQuoteRequest { QuoteId = request.QuoteId }, customer.Token)).Quote;

        var order = (await shop.OrdersClient.PlaceOrderAsync(request, customer.Token)).Order;

        Assert.Equal(OrderStatus.Fulfilling, order.Status);
        Assert.Equal(customer.UserId, order.UserId);
        var line = Assert.Single(order.Lines);
        Assert.Equal((sku, 2L, "Trail runner", 12.75m, 25.50m), (line.Sku, line.Quantity, line.Name, line.UnitPrice.ToDecimal(), line.LineTotal.ToDecimal()));
        Assert.Equal("M", line.Options["size"]);
        Assert.True(quote.Price.ToDecimal() > 0);
        Assert.Equal((25.50m, quote.Price.ToDecimal(), 25.50m + quote.Price.ToDecimal()), (order.Subtotal.ToDecimal(), order.ShippingCost.ToDecimal(), order.Total.ToDecimal()));
        Assert.Equal([OrderStatus.Pending, OrderStatus.AwaitingPayment, OrderStatus.Paid, OrderStatus.Fulfilling], order.History.Select(e => e.Status));
        Assert.All(order.History, e => Assert.NotEmpty(e.Actor));
        Assert.Equal($"user:{customer.UserId}", order.History[0].Actor);

        var stock = await shop.StockAsync(sku);
        Assert.Equal((3L, 0L), (stock.OnHand, stock.Reserved));
        var payment = Assert.Single(await shop.PaymentsOfAsync(order.OrderId));
        Assert.Equal((PaymentStatus.Captured, order.Total.ToDecimal()), (payment.Status, payment.Captured.ToDecimal()));
        Assert.Equal(order.PaymentId, payment.PaymentId);
        var shipment = (await shop.Shipping.Client.GetShipmentAsync(new GetShipmentRequest { ShipmentId = order.ShipmentId }, shop.Admin)).Shipment;
        Assert.Equal((order.OrderId, ShipmentStatus.LabelCreated, request.QuoteId), (shipment.OrderId, shipment.Status, shipment.QuoteId));

        // Cart empties on OrderConfirmed, through Kafka.
        await Eventually.TrueAsync(async () => (await shop.CartOfAsync(customer)).Lines.Count == 0, "the cart was not emptied by OrderConfirmed");

        var fetched = (await shop.OrdersClient.GetOrderAsync(new GetOrderRequest { OrderId = order.OrderId }, customer.Token)).Order;
        Assert.Equal(order.History.Count, fetched.History.Count);
    }

    [Fact]
    public async Task The_carriers_pickup_and_delivery_move_the_order_to_shipped_and_delivered()
    {
        var sku = await shop.NewSkuAsync(stock: 5);
        var customer = await shop.ShopperAsync(sku);
        var order = (await shop.OrdersClient.PlaceOrderAsync(await shop.CheckoutAsync(customer), customer.Token)).Order;

        await shop.Shipping.Carrier.AdvanceAsync(order.ShipmentId);
        await Eventually.TrueAsync(async () => (await GetAsync(order, customer)).Status == OrderStatus.Shipped, "ShipmentShipped did not ship the order");
        for (var step = 0; step < 3; step++)
        {
            await shop.Shipping.Carrier.AdvanceAsync(order.ShipmentId);
        }
        await Eventually.TrueAsync(async () => (await GetAsync(order, customer)).Status == OrderStatus.Delivered, "ShipmentDelivered did not deliver the order");

        var delivered = await GetAsync(order, customer);
        Assert.Equal([OrderStatus.Shipped, OrderStatus.Delivered], delivered.History.Skip(4).Select(e => e.Status));
        Assert.All(delivered.History.Skip(4), e => Assert.Equal("shipping", e.Actor));
        var cancel = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(() =>
            shop.OrdersClient.CancelOrderAsync(new CancelOrderRequest { OrderId = order.OrderId }, customer.Token).ResponseAsync);
        Assert.Equal(global::Grpc.Core.StatusCode.FailedPrecondition, cancel.StatusCode);
    }

    [Fact]
    public async Task Another_customers_quote_is_refused_naming_quote_id_and_records_nothing()
    {
        var sku = await shop.NewSkuAsync(stock: 5);
        var customer = await shop.ShopperAsync(sku);
        var other = await shop.ShopperAsync(sku);
        var request = await shop.CheckoutAsync(customer);
        request.QuoteId = await shop.StandardQuoteAsync(other);

        var refused = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(async () => await shop.OrdersClient.PlaceOrderAsync(request, customer.Token));

        Assert.Equal(global::Grpc.Core.StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("quote_id", refused.Status.Detail);
        Assert.Empty((await shop.OrdersClient.ListOrdersAsync(new ListOrdersRequest(), customer.Token)).Orders);
    }

    private async Task<Order> GetAsync(Order order, Customer customer) =>
        (await shop.OrdersClient.GetOrderAsync(new GetOrderRequest { OrderId = order.OrderId }, customer.Token)).Order;

    [Fact]
    public async Task Purchase_history_lists_the_customers_orders_newest_first_in_pages()
    {
        var sku = await shop.NewSkuAsync(stock: 10);
        var customer = await shop.NewCustomerAsync();
        var placed = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            await shop.Carts.AddItemAsync(new Contracts.Cart.V1.AddItemRequest { CartId = "me", Sku = sku, Quantity = 1 }, customer.Token);
            placed.Add((await shop.OrdersClient.PlaceOrderAsync(await shop.CheckoutAsync(customer), customer.Token)).Order.OrderId);
            await Eventually.TrueAsync(async () => (await shop.CartOfAsync(customer)).Lines.Count == 0, "the cart was not emptied");
        }

        var first = await shop.OrdersClient.ListOrdersAsync(new ListOrdersRequest { Page = new() { PageSize = 2 } }, customer.Token);
        var second = await shop.OrdersClient.ListOrdersAsync(new ListOrdersRequest { Page = new() { PageSize = 2, PageToken = first.Page.NextPageToken } }, customer.Token);

        Assert.Equal(3, first.Page.TotalSize);
        Assert.Equal(Enumerable.Reverse(placed), first.Orders.Concat(second.Orders).Select(o => o.OrderId));
        Assert.Equal("", second.Page.NextPageToken);
        Assert.All(first.Orders, o => Assert.Equal("Trail runner", Assert.Single(o.Lines).Name));
    }

    [Fact]
    public async Task A_declined_card_fails_the_order_releases_the_stock_charges_nothing_and_leaves_the_cart()
    {
        var sku = await shop.NewSkuAsync(stock: 5);
        var customer = await shop.ShopperAsync(sku, quantity: 2);

        var order = (await shop.OrdersClient.PlaceOrderAsync(await shop.CheckoutAsync(customer, SandboxCards.Declined), customer.Token)).Order;

        Assert.Equal(OrderStatus.Failed, order.Status);
        Assert.Contains("declined", order.FailureReason);
        Assert.Equal(OrderStatus.Failed, order.History[^1].Status);
        var stock = await shop.StockAsync(sku);
        Assert.Equal((5L, 0L), (stock.OnHand, stock.Reserved));
        var payment = Assert.Single(await shop.PaymentsOfAsync(order.OrderId));
        Assert.Equal((PaymentStatus.Declined, 0m), (payment.Status, payment.Captured?.ToDecimal() ?? 0m));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(2, Assert.Single((await shop.CartOfAsync(customer)).Lines).Quantity);
    }

    [Fact]
    public async Task Stock_taken_after_the_cart_was_filled_fails_the_order_cleanly()
    {
        var sku = await shop.NewSkuAsync(stock: 2);
        var late = await shop.ShopperAsync(sku, quantity: 2);
        var early = await shop.ShopperAsync(sku, quantity: 1);
        Assert.Equal(OrderStatus.Fulfilling, (await shop.OrdersClient.PlaceOrderAsync(await shop.CheckoutAsync(early), early.Token)).Order.Status);

        var order = (await shop.OrdersClient.PlaceOrderAsync(await shop.CheckoutAsync(late), late.Token)).Order;

        Assert.Equal(OrderStatus.Failed, order.Status);
        Assert.Contains("reserve", order.FailureReason);
        Assert.Contains(sku, order.FailureReason);
        Assert.Empty(await shop.PaymentsOfAsync(order.OrderId));
        var stock = await shop.StockAsync(sku);
        Assert.Equal((1L, 0L), (stock.OnHand, stock.Reserved));
        Assert.Equal(2, Assert.Single((await shop.CartOfAsync(late)).Lines).Quantity);
    }

    [Fact]
    public async Task A_sku_out_of_stock_is_refused_at_once_naming_it_with_nothing_recorded_reserved_or_charged()
    {
        var sku = await shop.NewSkuAsync(stock: 1);
        var late = await shop.ShopperAsync(sku);
        var early = await shop.ShopperAsync(sku);
        Assert.Equal(OrderStatus.Fulfilling, (await shop.OrdersClient.PlaceOrderAsync(await shop.CheckoutAsync(early), early.Token)).Order.Status);

        var refused = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(async () =>
            await shop.OrdersClient.PlaceOrderAsync(await shop.CheckoutAsync(late), late.Token));

        Assert.Equal(global::Grpc.Core.StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains($"{sku}: Out of stock", refused.Status.Detail);
        var violation = Assert.Single(refused.GetRpcStatus()!.GetDetail<Google.Rpc.PreconditionFailure>()!.Violations);
        Assert.Equal(("InsufficientStock", $"skus/{sku}"), (violation.Type, violation.Subject));
        Assert.Empty((await shop.OrdersClient.ListOrdersAsync(new ListOrdersRequest(), late.Token)).Orders);
        var stock = await shop.StockAsync(sku);
        Assert.Equal((0L, 0L), (stock.OnHand, stock.Reserved));
        Assert.Equal(1, Assert.Single((await shop.CartOfAsync(late)).Lines).Quantity);
    }

    [Fact]
    public async Task A_lost_payment_answer_whose_charge_went_through_is_charged_once_and_the_order_is_paid()
    {
        var sku = await shop.NewSkuAsync(stock: 5);
        var customer = await shop.ShopperAsync(sku);

        var order = (await shop.OrdersClient.PlaceOrderAsync(await shop.CheckoutAsync(customer, SandboxCards.AnswerLost), customer.Token)).Order;

        Assert.Equal(OrderStatus.Fulfilling, order.Status);
        var payment = Assert.Single(await shop.PaymentsOfAsync(order.OrderId));
        Assert.Equal(PaymentStatus.Captured, payment.Status);
        var atProvider = Assert.Single(await shop.Payment.Sandbox.AuthorizationsAsync(payment.PaymentId));
        Assert.Equal("captured", atProvider.GetProperty("status").GetString());
        Assert.Equal((4L, 0L), ((await shop.StockAsync(sku)).OnHand, (await shop.StockAsync(sku)).Reserved));
        Assert.NotEmpty(order.ShipmentId);
    }

    [Fact]
    public async Task An_empty_cart_is_refused_naming_cart_id_and_records_no_order()
    {
        var customer = await shop.NewCustomerAsync();

        var refused = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(async () => await shop.OrdersClient.PlaceOrderAsync(await shop.CheckoutAsync(customer), customer.Token));

        Assert.Equal(global::Grpc.Core.StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("cart_id", refused.Status.Detail);
        Assert.Empty((await shop.OrdersClient.ListOrdersAsync(new ListOrdersRequest(), customer.Token)).Orders);
    }
}
