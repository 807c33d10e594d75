using ECommerce.Contracts.Orders.V1;
using ECommerce.Contracts.Payment.V1;
using ECommerce.Contracts.Shipping.V1;
using ECommerce.Shipping.Tests;
using Grpc.Core;

namespace ECommerce.Orders.Tests;

/// <summary>Crashes and outages in the middle of a checkout: every one ends completed or compensated.</summary>
public sealed class RecoveryTests(OrdersTestEnvironment shop)
{
    [Fact]
    public async Task Orders_killed_with_sigkill_between_two_steps_finishes_the_checkout_after_its_restart_charging_once()
    {
        // A provider that takes 2 s to answer keeps the saga inside its authorize step long enough to kill it there.
        await using var slowPayment = await PaymentStack.StartAsync(shop, latencyMs: 2000);
        await using var orders = await OrdersProcess.StartAsync(shop, new Dictionary<string, string>
        {
            ["services__payment__grpc__0"] = slowPayment.Service.Address.ToString(),
        });
        var sku = await shop.NewSkuAsync(stock: 5);
        var customer = await shop.ShopperAsync(sku, quantity: 2);
        var request = await slowPayment.CheckoutAsync(shop, customer);

        var call = orders.Client.PlaceOrderAsync(request, customer.Token).ResponseAsync;
        await Eventually.TrueAsync(async () => await orders.QueryAsync<long>(
            "SELECT count(*) FROM saga_steps WHERE step = 'authorize' AND state = 'started'") == 1, "the saga never reached its authorize step", seconds: 60);
        Assert.Equal(0L, await orders.QueryAsync<long>("SELECT count(*) FROM saga_steps WHERE step = 'authorize' AND state = 'done'"));
        await orders.KillAndRestartAsync();
        await Assert.ThrowsAsync<RpcException>(() => call);

        var orderId = await orders.QueryAsync<Guid>("SELECT id FROM orders");
        Order order = null!;
        await Eventually.TrueAsync(async () =>
        {
            order = (await orders.Client.GetOrderAsync(new GetOrderRequest { OrderId = orderId.ToString() }, customer.Token)).Order;
            return order.Status is OrderStatus.Fulfilling or OrderStatus.Failed;
        }, "the checkout did not end after the restart", seconds: 90);

        Assert.Equal(OrderStatus.Fulfilling, order.Status);
        var payment = Assert.Single((await new PaymentService.PaymentServiceClient(slowPayment.Service.Channel)
            .ListPaymentsAsync(new ListPaymentsRequest { OrderId = order.OrderId }, shop.OrdersService)).Payments);
        Assert.Equal(PaymentStatus.Captured, payment.Status);
        Assert.Single(await slowPayment.Sandbox.AuthorizationsAsync(payment.PaymentId));
        var stock = await shop.StockAsync(sku);
        Assert.Equal((3L, 0L), (stock.OnHand, stock.Reserved));
        Assert.True(await orders.QueryAsync<int>("SELECT attempts FROM saga_steps WHERE step = 'authorize'") >= 2);
    }

    [Fact]
    public async Task Orders_killed_with_sigkill_in_the_middle_of_a_cancellation_carries_it_through_after_its_restart_refunding_once()
    {
        // The slow provider keeps the cancellation inside its refund long enough to kill Orders there: the shipment is
        // cancelled, the money on its way back, the order still paid. Nobody repeats the request; the resumer must finish it.
        await using var slowPayment = await PaymentStack.StartAsync(shop, latencyMs: 2000);
        await using var orders = await OrdersProcess.StartAsync(shop, new Dictionary<string, string>
        {
            ["services__payment__grpc__0"] = slowPayment.Service.Address.ToString(),
        });
        var sku = await shop.NewSkuAsync(stock: 5);
        var customer = await shop.ShopperAsync(sku, quantity: 2);
        var request = await slowPayment.CheckoutAsync(shop, customer);
        var placed = (await orders.Client.PlaceOrderAsync(request, customer.Token, deadline: DateTime.UtcNow.AddMinutes(2))).Order;
        Assert.Equal(OrderStatus.Fulfilling, placed.Status);

        var cancelling = orders.Client.CancelOrderAsync(new CancelOrderRequest { OrderId = placed.OrderId, Reason = "ordered twice" }, customer.Token).ResponseAsync;
        await Eventually.TrueAsync(async () => await shop.Shipping.QueryAsync<string>("SELECT status FROM shipments WHERE shipment_id = $1", Guid.Parse(placed.ShipmentId)) == "cancelled",
            "the cancellation never cancelled the shipment", seconds: 60);
        await orders.KillAsync();
        await Assert.ThrowsAsync<RpcException>(() => cancelling);
        Assert.Equal(("fulfilling", "started"), (await orders.QueryAsync<string>("SELECT status FROM orders"),
            await orders.QueryAsync<string>("SELECT state FROM saga_steps WHERE step = 'cancel'")));
        await orders.RestartAsync();

        Order order = null!;
        await Eventually.TrueAsync(async () =>
        {
            order = (await orders.Client.GetOrderAsync(new GetOrderRequest { OrderId = placed.OrderId }, customer.Token)).Order;
            return order.Status == OrderStatus.Cancelled;
        }, "the cancellation was not carried through after the restart", seconds: 90);

        Assert.Equal(("ordered twice", placed.Total.ToDecimal()), (order.FailureReason, order.Refunded.ToDecimal()));
        Assert.Contains(order.History, change => change.Status == OrderStatus.Cancelled && change.Actor == $"user:{customer.UserId}");
        var payment = Assert.Single((await new PaymentService.PaymentServiceClient(slowPayment.Service.Channel)
            .ListPaymentsAsync(new ListPaymentsRequest { OrderId = placed.OrderId }, shop.OrdersService)).Payments);
        Assert.Equal((PaymentStatus.Refunded, placed.Total.ToDecimal()), (payment.Status, payment.Refunded.ToDecimal()));
        await Eventually.TrueAsync(async () => (await shop.StockAsync(sku)).OnHand == 5, "the stock of the cancelled order did not come back", seconds: 60);
    }

    [Fact]
    public async Task Catalog_unavailable_at_the_reservation_compensates_once_it_is_back_with_nothing_charged_or_reserved()
    {
        await using var catalog = new Restartable(await shop.StartCatalogAsync(), address => shop.StartCatalogAsync(address));
        await using var orders = await OrdersProcess.StartAsync(shop, new Dictionary<string, string> { ["services__catalog__grpc__0"] = catalog.Address.ToString() });
        var sku = await shop.NewSkuAsync(stock: 5);
        var customer = await shop.ShopperAsync(sku, quantity: 2);
        await catalog.StopAsync();

        var placed = (await orders.Client.PlaceOrderAsync(await shop.CheckoutAsync(customer), customer.Token, deadline: DateTime.UtcNow.AddMinutes(2))).Order;
        Assert.Contains("reserve", placed.FailureReason);
        Assert.Contains("unavailable", placed.FailureReason);
        Assert.NotEqual(OrderStatus.Fulfilling, placed.Status);

        await catalog.StartAsync();
        var order = await EndedAsync(orders, placed.OrderId, customer);

        Assert.Equal(OrderStatus.Failed, order.Status);
        Assert.Empty(await shop.PaymentsOfAsync(order.OrderId));
        var stock = await shop.StockAsync(sku);
        Assert.Equal((5L, 0L), (stock.OnHand, stock.Reserved));
        Assert.Equal(2, Assert.Single((await shop.CartOfAsync(customer)).Lines).Quantity);
    }

    [Fact]
    public async Task Payment_unavailable_at_the_authorization_releases_the_stock_and_fails_the_order()
    {
        await using var payment = await PaymentStack.StartAsync(shop);
        await using var orders = await OrdersProcess.StartAsync(shop, new Dictionary<string, string> { ["services__payment__grpc__0"] = payment.Service.Address.ToString() });
        var sku = await shop.NewSkuAsync(stock: 5);
        var customer = await shop.ShopperAsync(sku, quantity: 2);
        var request = await payment.CheckoutAsync(shop, customer);
        await payment.StopServiceAsync();

        var placed = (await orders.Client.PlaceOrderAsync(request, customer.Token, deadline: DateTime.UtcNow.AddMinutes(2))).Order;
        Assert.Contains("authorize", placed.FailureReason);

        await payment.RestartServiceAsync();
        var order = await EndedAsync(orders, placed.OrderId, customer);

        Assert.Equal(OrderStatus.Failed, order.Status);
        var stock = await shop.StockAsync(sku);
        Assert.Equal((5L, 0L), (stock.OnHand, stock.Reserved));
        var payments = (await new PaymentService.PaymentServiceClient(payment.Service.Channel)
            .ListPaymentsAsync(new ListPaymentsRequest { OrderId = order.OrderId }, shop.OrdersService)).Payments;
        Assert.DoesNotContain(payments, p => p.Status is PaymentStatus.Authorized or PaymentStatus.Captured);
        Assert.Equal(2, Assert.Single((await shop.CartOfAsync(customer)).Lines).Quantity);
    }

    [Fact]
    public async Task Payment_down_for_a_few_seconds_during_the_authorization_is_waited_out_and_the_order_is_paid_once()
    {
        // The waits between attempts double (0.25, 0.5, 1, 2, 4, 8 s with 7 attempts: one more than the default, for a
        // slow restart on a busy machine). Fixed quick retries, as before, gave up within a second and failed orders that
        // held stock whenever Payment blinked, as in a flash sale whose burst opened Orders' circuit to it.
        await using var payment = await PaymentStack.StartAsync(shop);
        await using var orders = await OrdersProcess.StartAsync(shop, new Dictionary<string, string>
        {
            ["services__payment__grpc__0"] = payment.Service.Address.ToString(),
            ["Orders__StepAttempts"] = "7",
        });
        var sku = await shop.NewSkuAsync(stock: 5);
        var customer = await shop.ShopperAsync(sku, quantity: 2);
        var request = await payment.CheckoutAsync(shop, customer);
        await payment.StopServiceAsync();

        var call = orders.Client.PlaceOrderAsync(request, customer.Token, deadline: DateTime.UtcNow.AddMinutes(2)).ResponseAsync;
        await Eventually.TrueAsync(async () => await orders.QueryAsync<long>(
            "SELECT count(*) FROM saga_steps WHERE step = 'authorize' AND attempts >= 2") == 1, "the saga never retried its authorization", seconds: 60);
        await payment.RestartServiceAsync();
        var order = (await call).Order;

        Assert.Equal(OrderStatus.Fulfilling, order.Status);
        Assert.Equal("", order.FailureReason);
        var charged = Assert.Single((await new PaymentService.PaymentServiceClient(payment.Service.Channel)
            .ListPaymentsAsync(new ListPaymentsRequest { OrderId = order.OrderId }, shop.OrdersService)).Payments);
        Assert.Equal(PaymentStatus.Captured, charged.Status);
        Assert.Single(await payment.Sandbox.AuthorizationsAsync(charged.PaymentId));
        var stock = await shop.StockAsync(sku);
        Assert.Equal((3L, 0L), (stock.OnHand, stock.Reserved));
    }

    [Fact]
    public async Task Shipping_unavailable_at_checkout_refuses_with_unavailable_and_records_reserves_and_charges_nothing()
    {
        await using var shipping = await ShippingShop.StartAsync(shop.Infrastructure, shop.Users, shop.Catalog.Address);
        await using var orders = await OrdersProcess.StartAsync(shop, new Dictionary<string, string> { ["services__shipping__grpc__0"] = shipping.Process.Address.ToString() });
        var sku = await shop.NewSkuAsync(stock: 5);
        var customer = await shop.ShopperAsync(sku);
        var quote = (await shipping.Client.GetQuotesAsync(new GetQuotesRequest
        {
            Address = OrdersTestEnvironment.Berlin(), Items = { new ShippingItem { Sku = sku, Quantity = 1 } },
        }, customer.Token)).Quotes[0];
        var request = await shop.CheckoutAsync();
        request.QuoteId = quote.QuoteId;
        await shipping.Process.KillAsync();

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await orders.Client.PlaceOrderAsync(request, customer.Token));

        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Empty((await orders.Client.ListOrdersAsync(new ListOrdersRequest(), customer.Token)).Orders);
        var stock = await shop.StockAsync(sku);
        Assert.Equal((5L, 0L), (stock.OnHand, stock.Reserved));
        Assert.Equal(1, Assert.Single((await shop.CartOfAsync(customer)).Lines).Quantity);
    }

    [Fact]
    public async Task Catalog_unavailable_at_a_cancellation_cancels_and_refunds_at_once_and_puts_the_stock_back_once_it_is_back()
    {
        await using var catalog = new Restartable(await shop.StartCatalogAsync(), address => shop.StartCatalogAsync(address));
        await using var orders = await OrdersProcess.StartAsync(shop, new Dictionary<string, string> { ["services__catalog__grpc__0"] = catalog.Address.ToString() });
        var sku = await shop.NewSkuAsync(stock: 5);
        var customer = await shop.ShopperAsync(sku, quantity: 2);
        var placed = (await orders.Client.PlaceOrderAsync(await shop.CheckoutAsync(customer), customer.Token)).Order;
        Assert.Equal(OrderStatus.Fulfilling, placed.Status);
        await catalog.StopAsync();

        var cancelled = (await orders.Client.CancelOrderAsync(new CancelOrderRequest { OrderId = placed.OrderId, Reason = "changed my mind" }, customer.Token)).Order;
        Assert.Equal((OrderStatus.Cancelled, placed.Total.ToDecimal()), (cancelled.Status, cancelled.Refunded.ToDecimal()));
        Assert.Equal(3L, (await shop.StockAsync(sku)).OnHand);

        await catalog.StartAsync();
        await Eventually.TrueAsync(async () => (await shop.StockAsync(sku)).OnHand == 5, "the stock of the cancelled order did not come back", seconds: 60);
        await Eventually.TrueAsync(async () => await orders.QueryAsync<string>("SELECT state FROM saga_steps WHERE step = 'return_stock'") == "done",
            "the stock return was not recorded done", seconds: 30);
        var stock = await shop.StockAsync(sku);
        Assert.Equal((5L, 0L), (stock.OnHand, stock.Reserved));
    }

    [Fact]
    public async Task The_carrier_down_at_the_shipment_voids_the_card_and_releases_the_stock_at_once_then_fails_the_order_once_the_shipment_is_cancelled()
    {
        await using var shipping = await ShippingShop.StartAsync(shop.Infrastructure, shop.Users, shop.Catalog.Address);
        await using var orders = await OrdersProcess.StartAsync(shop, new Dictionary<string, string> { ["services__shipping__grpc__0"] = shipping.Process.Address.ToString() });
        var sku = await shop.NewSkuAsync(stock: 5);
        var customer = await shop.ShopperAsync(sku, quantity: 2);
        var quote = (await shipping.Client.GetQuotesAsync(new GetQuotesRequest
        {
            Address = OrdersTestEnvironment.Berlin(), Items = { new ShippingItem { Sku = sku, Quantity = 2 } },
        }, customer.Token)).Quotes.Single(q => q.Option == ShippingOption.Standard);
        var request = await shop.CheckoutAsync();
        request.QuoteId = quote.QuoteId;
        await shipping.StopCarrierAsync();

        var placed = (await orders.Client.PlaceOrderAsync(request, customer.Token, deadline: DateTime.UtcNow.AddMinutes(2))).Order;
        Assert.Contains("ship", placed.FailureReason);
        Assert.Contains("unavailable", placed.FailureReason);
        var payment = Assert.Single(await shop.PaymentsOfAsync(placed.OrderId));
        Assert.Equal(PaymentStatus.Voided, payment.Status);
        var released = await shop.StockAsync(sku);
        Assert.Equal((5L, 0L), (released.OnHand, released.Reserved));
        var waiting = (await orders.Client.GetOrderAsync(new GetOrderRequest { OrderId = placed.OrderId }, customer.Token)).Order;
        Assert.NotEqual(OrderStatus.Failed, waiting.Status);

        await shipping.StartCarrierAsync();
        var order = await EndedAsync(orders, placed.OrderId, customer);

        Assert.Equal(OrderStatus.Failed, order.Status);
        Assert.Contains("ship", order.FailureReason);
        var shipments = (await shipping.Client.ListShipmentsAsync(new ListShipmentsRequest { OrderId = placed.OrderId }, shop.Admin)).Shipments;
        Assert.All(shipments, shipment => Assert.Equal(ShipmentStatus.Cancelled, shipment.Status));
        Assert.Equal(PaymentStatus.Voided, Assert.Single(await shop.PaymentsOfAsync(placed.OrderId)).Status);
        Assert.Equal(2, Assert.Single((await shop.CartOfAsync(customer)).Lines).Quantity);
    }

    private static async Task<Order> EndedAsync(OrdersProcess orders, string orderId, Customer customer)
    {
        Order order = null!;
        await Eventually.TrueAsync(async () =>
        {
            order = (await orders.Client.GetOrderAsync(new GetOrderRequest { OrderId = orderId }, customer.Token)).Order;
            return order.Status is OrderStatus.Fulfilling or OrderStatus.Failed;
        }, "the checkout did not end", seconds: 90);
        return order;
    }

    /// <summary>A service process a test stops and starts again at the same address.</summary>
    private sealed class Restartable(ECommerce.Testing.ServiceProcess process, Func<Uri, Task<ECommerce.Testing.ServiceProcess>> start) : IAsyncDisposable
    {
        private ECommerce.Testing.ServiceProcess _process = process;

        public Uri Address { get; } = process.Address;

        public async Task StopAsync()
        {
            await _process.KillAsync();
            await _process.DisposeAsync();
        }

        public async Task StartAsync() => _process = await start(Address);

        public ValueTask DisposeAsync() => _process.DisposeAsync();
    }
}
