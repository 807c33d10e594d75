using System.Globalization;
using System.Security.Claims;
using ECommerce.Orders.Checkout;
using ECommerce.ServiceDefaults.Authentication;
using Google.Rpc;
using Microsoft.AspNetCore.Authorization;
using GrpcStatus = Grpc.Core.Status;

namespace ECommerce.Orders.Api;

/// <summary>
/// The ecommerce.orders.v1.OrdersService contract: validates, calls the checkout desk, the after-sales or the keeper,
/// maps outcomes to statuses. A customer reaches their own orders only (another's is NOT_FOUND to them, so order ids
/// reveal nothing); an admin all of them.
/// </summary>
[Authorize]
internal sealed class OrdersApi(CheckoutDesk checkout, AfterSales afterSales, OrderKeeper orders, OrdersOptions options) : OrdersService.OrdersServiceBase
{
    public override async Task<PlaceOrderResponse> PlaceOrder(PlaceOrderRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        OrderRules.CheckPlaceOrder(request, options.ShippingEnabled, violations);
        violations.ThrowIfAny();
        var (userId, _) = Caller(context);
        if (userId is not { } customer)
        {
            throw new RpcException(new GrpcStatus(StatusCode.PermissionDenied, "Only a customer's own access token places an order."));
        }
        if (Guid.TryParse(request.CartId, out var cartOwner) && cartOwner != customer)
        {
            throw new RpcException(new GrpcStatus(StatusCode.PermissionDenied, "cart_id: you may only check out your own cart."));
        }
        Placement placement;
        try
        {
            placement = await checkout.PlaceAsync(customer, $"user:{customer}", context.RequestHeaders.GetValue("authorization") ?? "", request, context.CancellationToken);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown)
        {
            throw new RpcException(new GrpcStatus(StatusCode.Unavailable, $"A service the checkout needs did not answer ({e.Status.Detail}); retry with the same idempotency_key."));
        }
        return placement switch
        {
            Placement.Placed placed => new PlaceOrderResponse { Order = placed.Order.ToContract() },
            Placement.KeyReused => throw GrpcErrors.WithDetails(StatusCode.FailedPrecondition,
                $"idempotency_key {request.IdempotencyKey} was already used for another request; a new checkout needs a new key.",
                new PreconditionFailure { Violations = { new PreconditionFailure.Types.Violation { Type = "IDEMPOTENCY_KEY_REUSED", Subject = "idempotency_key", Description = request.IdempotencyKey } } }),
            Placement.Refused refused => throw GrpcErrors.WithDetails(StatusCode.FailedPrecondition, $"{refused.Field}: {refused.Reason}",
                new PreconditionFailure { Violations = { new PreconditionFailure.Types.Violation { Type = "CHECKOUT", Subject = refused.Field, Description = refused.Reason } } }),
            Placement.CartProblems problems => throw GrpcErrors.WithDetails(StatusCode.FailedPrecondition,
                $"cart_id: the cart cannot be checked out: {string.Join("; ", problems.Problems.Select(p => $"{p.Sku}: {p.Message}"))}",
                new PreconditionFailure { Violations = { problems.Problems.Select(p => new PreconditionFailure.Types.Violation { Type = p.Issue.ToString(), Subject = $"skus/{p.Sku}", Description = p.Message }) } }),
            Placement.Busy busy => throw GrpcErrors.WithDetails(StatusCode.ResourceExhausted,
                $"The shop is taking {busy.Running} checkouts at once and yours did not get a turn in time. Nothing was recorded or charged: " +
                $"send the same request again (same idempotency_key) in {busy.ComeBackIn.TotalSeconds:0} s.",
                new RetryInfo { RetryDelay = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(busy.ComeBackIn) }),
            _ => throw new InvalidOperationException("Unknown placement."),
        };
    }

    public override async Task<GetOrderResponse> GetOrder(GetOrderRequest request, ServerCallContext context)
    {
        var orderId = ValidOrderId(request.OrderId);
        var order = await orders.GetAsync(orderId, withHistory: true, context.CancellationToken);
        return new GetOrderResponse { Order = Visible(order, request.OrderId, context).ToContract() };
    }

    public override async Task<ListOrdersResponse> ListOrders(ListOrdersRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        var page = request.Page ?? new PageRequest();
        violations.Check(page.PageSize is >= 0 and <= OrderRules.MaxPageSize, "page.page_size", $"must be 0 (default {OrderRules.DefaultPageSize}) to {OrderRules.MaxPageSize}");
        var offset = 0;
        violations.Check(page.PageToken == "" || (int.TryParse(page.PageToken, NumberStyles.None, CultureInfo.InvariantCulture, out offset) && offset >= 0),
            "page.page_token", "must be a next_page_token from an earlier answer");
        violations.Check(request.UserId == "" || Guid.TryParse(request.UserId, out _), "user_id", "must be a user id (a UUID)");
        violations.ThrowIfAny();
        var (userId, isAdmin) = Caller(context);
        Guid? whose = request.UserId == "" ? (isAdmin ? null : userId) : Guid.Parse(request.UserId);
        if (!isAdmin && (userId is null || whose != userId))
        {
            throw new RpcException(new GrpcStatus(StatusCode.PermissionDenied, "user_id: you may only list your own orders."));
        }
        var size = page.PageSize == 0 ? OrderRules.DefaultPageSize : page.PageSize;
        var (found, total) = await orders.ListAsync(whose, size, offset, context.CancellationToken);
        return new ListOrdersResponse
        {
            Orders = { found.Select(order => order.ToContract()) },
            Page = new PageResponse { TotalSize = total, NextPageToken = offset + found.Count < total ? (offset + found.Count).ToString(CultureInfo.InvariantCulture) : "" },
        };
    }

    public override async Task<CancelOrderResponse> CancelOrder(CancelOrderRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        OrderRules.CheckOrderId(request.OrderId, violations);
        violations.Check(request.Reason.Length <= OrderRules.MaxReasonLength, "reason", $"must be at most {OrderRules.MaxReasonLength} characters");
        violations.ThrowIfAny();
        var orderId = Guid.Parse(request.OrderId);
        Visible(await orders.GetAsync(orderId, withHistory: false, context.CancellationToken), request.OrderId, context);
        var reason = request.Reason == "" ? "cancelled by the customer" : request.Reason;
        var outcome = await afterSales.CancelAsync(orderId, Actor(context), reason, context.CancellationToken);
        return new CancelOrderResponse { Order = await AfterSaleAsync(outcome, orderId, request.OrderId, context) };
    }

    [Authorize(Roles = AccessTokens.AdminRole)]
    public override async Task<RefundOrderResponse> RefundOrder(RefundOrderRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        OrderRules.CheckOrderId(request.OrderId, violations);
        OrderRules.CheckKey(request.IdempotencyKey, "idempotency_key", violations);
        violations.Check(request.Reason.Length <= OrderRules.MaxReasonLength, "reason", $"must be at most {OrderRules.MaxReasonLength} characters");
        if (request.Amount is { } amount)
        {
            violations.Check(Money.IsCurrencyCode(amount.CurrencyCode), "amount.currency_code", "must be an ISO 4217 code, e.g. EUR")
                .Check(amount.HasValidNanos && !amount.IsNegative && amount.ToDecimal() > 0, "amount", "must be more than zero")
                .Check(amount.Nanos % 10_000_000 == 0, "amount.nanos", "must be whole cents");
        }
        violations.ThrowIfAny();
        var orderId = Guid.Parse(request.OrderId);
        var order = await orders.GetAsync(orderId, withHistory: false, context.CancellationToken) ?? throw NotFound(request.OrderId);
        if (request.Amount is not null && request.Amount.CurrencyCode != order.Currency)
        {
            throw new FieldViolations().Add("amount.currency_code", $"must be the order's currency, {order.Currency}").ToException();
        }
        var outcome = await afterSales.RefundAsync(orderId, request.Amount?.ToDecimal(), Actor(context),
            request.Reason == "" ? "refunded by an admin" : request.Reason, request.IdempotencyKey, context.CancellationToken);
        return new RefundOrderResponse { Order = await AfterSaleAsync(outcome, orderId, request.OrderId, context) };
    }

    private async Task<Order> AfterSaleAsync(AfterSale outcome, Guid orderId, string id, ServerCallContext context) => outcome switch
    {
        AfterSale.Done => (await orders.GetAsync(orderId, withHistory: true, context.CancellationToken))!.ToContract(),
        AfterSale.NotFound => throw NotFound(id),
        AfterSale.WrongState wrong => throw GrpcErrors.WithDetails(StatusCode.FailedPrecondition, $"Order {id} cannot be changed so: {wrong.Reason}.",
            new PreconditionFailure { Violations = { new PreconditionFailure.Types.Violation { Type = "ORDER_STATE", Subject = $"orders/{id}", Description = wrong.Reason } } }),
        AfterSale.TooMuch tooMuch => throw GrpcErrors.WithDetails(StatusCode.FailedPrecondition,
            $"amount: at most {tooMuch.Left.ToString("0.00", CultureInfo.InvariantCulture)} {tooMuch.Currency} of order {id} is left to refund.",
            new PreconditionFailure { Violations = { new PreconditionFailure.Types.Violation { Type = "AMOUNT_TOO_LARGE", Subject = "amount", Description = $"at most {tooMuch.Left.ToString(CultureInfo.InvariantCulture)}" } } }),
        AfterSale.Unavailable unavailable => throw new RpcException(new GrpcStatus(StatusCode.Unavailable, $"Retry: {unavailable.Reason}")),
        _ => throw new InvalidOperationException("Unknown after-sale outcome."),
    };

    private static Guid ValidOrderId(string orderId)
    {
        var violations = new FieldViolations();
        OrderRules.CheckOrderId(orderId, violations);
        violations.ThrowIfAny();
        return Guid.Parse(orderId);
    }

    /// <summary>The order if the caller may see it; another customer's order is as absent as one that does not exist.</summary>
    private static OrderRow Visible(OrderRow? order, string orderId, ServerCallContext context)
    {
        var (userId, isAdmin) = Caller(context);
        return order is not null && (isAdmin || order.UserId == userId) ? order : throw NotFound(orderId);
    }

    private static (Guid? UserId, bool IsAdmin) Caller(ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        return (Guid.TryParse(user.FindFirstValue(AccessTokens.SubjectClaim), out var id) ? id : null, user.IsInRole(AccessTokens.AdminRole));
    }

    private static string Actor(ServerCallContext context)
    {
        var (userId, isAdmin) = Caller(context);
        return $"{(isAdmin ? "admin" : "user")}:{userId}";
    }

    private static RpcException NotFound(string orderId) => new(new GrpcStatus(StatusCode.NotFound, $"order_id: there is no order {orderId}."));
}
