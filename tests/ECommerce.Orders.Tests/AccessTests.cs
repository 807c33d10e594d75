using ECommerce.Contracts.Orders.V1;
using ECommerce.Testing;
using Grpc.Core;

namespace ECommerce.Orders.Tests;

/// <summary>A customer reaches their own orders only; an admin all of them; no token, nothing.</summary>
public sealed class AccessTests(OrdersTestEnvironment shop)
{
    [Fact]
    public async Task The_access_matrix_holds_for_every_rpc()
    {
        var sku = await shop.NewSkuAsync(stock: 5);
        var owner = await shop.ShopperAsync(sku);
        var stranger = await shop.NewCustomerAsync();
        var order = (await shop.OrdersClient.PlaceOrderAsync(await shop.CheckoutAsync(owner), owner.Token)).Order;
        var orders = shop.OrdersClient;
        var byId = new GetOrderRequest { OrderId = order.OrderId };

        // Owner and admin read it; a stranger cannot tell it exists.
        Assert.Equal(order.OrderId, (await orders.GetOrderAsync(byId, owner.Token)).Order.OrderId);
        Assert.Equal(order.OrderId, (await orders.GetOrderAsync(byId, shop.Admin)).Order.OrderId);
        await StatusAsync(StatusCode.NotFound, () => orders.GetOrderAsync(byId, stranger.Token).ResponseAsync);
        await StatusAsync(StatusCode.NotFound, () => orders.CancelOrderAsync(new CancelOrderRequest { OrderId = order.OrderId }, stranger.Token).ResponseAsync);

        // Lists: one's own; another's only for an admin.
        Assert.Empty((await orders.ListOrdersAsync(new ListOrdersRequest(), stranger.Token)).Orders);
        await StatusAsync(StatusCode.PermissionDenied, () => orders.ListOrdersAsync(new ListOrdersRequest { UserId = owner.UserId }, stranger.Token).ResponseAsync);
        Assert.Single((await orders.ListOrdersAsync(new ListOrdersRequest { UserId = owner.UserId }, shop.Admin)).Orders);

        // Refunds are an admin's; checking out is a customer's own cart, never a service's.
        var refund = new RefundOrderRequest { OrderId = order.OrderId, IdempotencyKey = "r1" };
        await StatusAsync(StatusCode.PermissionDenied, () => orders.RefundOrderAsync(refund, owner.Token).ResponseAsync);
        var placeForOther = await shop.CheckoutAsync();
        placeForOther.CartId = owner.UserId;
        await StatusAsync(StatusCode.PermissionDenied, () => orders.PlaceOrderAsync(placeForOther, stranger.Token).ResponseAsync);
        await StatusAsync(StatusCode.PermissionDenied, async () => await orders.PlaceOrderAsync(await shop.CheckoutAsync(), shop.OrdersService));

        // No token: nothing at all.
        await StatusAsync(StatusCode.Unauthenticated, () => orders.GetOrderAsync(byId).ResponseAsync);
        await StatusAsync(StatusCode.Unauthenticated, () => orders.ListOrdersAsync(new ListOrdersRequest()).ResponseAsync);
        await StatusAsync(StatusCode.Unauthenticated, async () => await orders.PlaceOrderAsync(await shop.CheckoutAsync()));
        await StatusAsync(StatusCode.Unauthenticated, () => orders.CancelOrderAsync(new CancelOrderRequest { OrderId = order.OrderId }).ResponseAsync);
        await StatusAsync(StatusCode.Unauthenticated, () => orders.RefundOrderAsync(refund).ResponseAsync);

        // The owner may cancel their own order; it is untouched by the refusals above.
        Assert.Equal(OrderStatus.Fulfilling, (await orders.GetOrderAsync(byId, owner.Token)).Order.Status);
        Assert.Equal(OrderStatus.Cancelled, (await orders.CancelOrderAsync(new CancelOrderRequest { OrderId = order.OrderId }, owner.Token)).Order.Status);
    }

    private static async Task StatusAsync(StatusCode expected, Func<Task> call)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(expected, refused.StatusCode);
    }
}

public sealed class BadInputTests(OrdersTestEnvironment shop)
{
    [Fact]
    public async Task PlaceOrder_names_every_bad_field()
    {
        var customer = await shop.NewCustomerAsync();
        await GrpcAssert.InvalidArgumentNamingAsync(() => shop.OrdersClient.PlaceOrderAsync(new PlaceOrderRequest(), customer.Token).ResponseAsync,
            ["idempotency_key", "shipping_address", "quote_id", "payment_method_token"]);
        await GrpcAssert.InvalidArgumentNamingAsync(() => shop.OrdersClient.PlaceOrderAsync(new PlaceOrderRequest
        {
            IdempotencyKey = new string('k', 101),
            ShippingAddress = new Contracts.Common.V1.Address { CountryCode = "Germany" },
            PaymentMethodToken = "4242424242424242",
            CartId = "someone",
        }, customer.Token).ResponseAsync,
            ["idempotency_key", "shipping_address.recipient_name", "shipping_address.line1", "shipping_address.city", "shipping_address.postal_code",
                "shipping_address.country_code", "quote_id", "payment_method_token", "cart_id"]);
        await GrpcAssert.InvalidArgumentNamingAsync(async () => await shop.OrdersClient.PlaceOrderAsync(new PlaceOrderRequest
        {
            IdempotencyKey = "k", SavedAddressId = "home", PaymentMethodToken = "pm_x",
        }, customer.Token), ["saved_address_id", "quote_id"]);
    }

    [Fact]
    public async Task The_card_number_sent_as_a_token_is_not_repeated_in_the_error()
    {
        var customer = await shop.NewCustomerAsync();
        var request = await shop.CheckoutAsync();
        request.PaymentMethodToken = "4242424242424242";
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await shop.OrdersClient.PlaceOrderAsync(request, customer.Token));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.DoesNotContain("4242424242424242", refused.Status.Detail);
    }

    [Fact]
    public async Task A_saved_address_that_is_not_the_customers_is_refused_naming_saved_address_id()
    {
        var sku = await shop.NewSkuAsync(stock: 5);
        var customer = await shop.ShopperAsync(sku);
        var request = await shop.CheckoutAsync();
        request.SavedAddressId = Guid.NewGuid().ToString();
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await shop.OrdersClient.PlaceOrderAsync(request, customer.Token));
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains("saved_address_id", refused.Status.Detail);
    }

    [Fact]
    public async Task The_other_rpcs_name_every_bad_field()
    {
        var customer = await shop.NewCustomerAsync();
        var orders = shop.OrdersClient;
        await GrpcAssert.InvalidArgumentNamingAsync(() => orders.GetOrderAsync(new GetOrderRequest { OrderId = "42" }, customer.Token).ResponseAsync, ["order_id"]);
        await GrpcAssert.InvalidArgumentNamingAsync(() => orders.ListOrdersAsync(new ListOrdersRequest
        {
            Page = new() { PageSize = 500, PageToken = "x" }, UserId = "me",
        }, customer.Token).ResponseAsync, ["page.page_size", "page.page_token", "user_id"]);
        await GrpcAssert.InvalidArgumentNamingAsync(() => orders.CancelOrderAsync(new CancelOrderRequest
        {
            OrderId = "", Reason = new string('r', 501),
        }, customer.Token).ResponseAsync, ["order_id", "reason"]);
        await GrpcAssert.InvalidArgumentNamingAsync(() => orders.RefundOrderAsync(new RefundOrderRequest
        {
            OrderId = "x", Amount = new Contracts.Common.V1.Money { CurrencyCode = "eur", Units = -1 },
        }, shop.Admin).ResponseAsync, ["order_id", "idempotency_key", "amount.currency_code", "amount"]);
        var missing = await Assert.ThrowsAsync<RpcException>(() => orders.GetOrderAsync(new GetOrderRequest { OrderId = Guid.NewGuid().ToString() }, customer.Token).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Contains("order_id", missing.Status.Detail);
    }
}
