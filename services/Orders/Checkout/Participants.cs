using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Payment.V1;
using ECommerce.Contracts.Shipping.V1;

namespace ECommerce.Orders.Checkout;

/// <summary>
/// The saga's calls to Catalog, Payment and Shipping, under Orders' own identity, each with an idempotency key
/// derived from the order and the step (Catalog and Shipping key by the order id; Payment by "&lt;order&gt;/&lt;step&gt;"),
/// so a call repeated after a crash or a lost answer is always safe. Every answer becomes a <see cref="StepResult"/>.
/// </summary>
internal sealed class Participants(
    InventoryService.InventoryServiceClient inventory,
    PaymentService.PaymentServiceClient payments,
    IServiceProvider services,
    OrdersOptions options)
{
    public static string Key(Guid orderId, string step) => $"{orderId}/{step}";

    private ShippingService.ShippingServiceClient Shipping => services.GetRequiredService<ShippingService.ShippingServiceClient>();

    private DateTime Deadline => DateTime.UtcNow + options.CallTimeout;

    public Task<StepResult> ReserveAsync(OrderRow order, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        var request = new ReserveStockRequest { OrderId = order.Id.ToString() };
        request.Lines.AddRange(order.Lines.OrderBy(l => l.Position).Select(l => new StockLine { Sku = l.Sku, Quantity = l.Quantity }));
        var reserved = await inventory.ReserveStockAsync(request, deadline: Deadline, cancellationToken: cancellationToken);
        return new StepResult.Done(reserved.ReservationId);
    });

    public Task<StepResult> AuthorizeAsync(OrderRow order, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        var payment = (await payments.AuthorizeAsync(Authorization(order), deadline: Deadline, cancellationToken: cancellationToken)).Payment;
        return payment.Status switch
        {
            PaymentStatus.Authorized or PaymentStatus.Captured => new StepResult.Done(payment.PaymentId),
            PaymentStatus.Declined => new StepResult.Refused($"the card was declined ({payment.DeclineReason})", payment.PaymentId),
            PaymentStatus.Failed => new StepResult.Refused($"the payment failed ({payment.DeclineReason})", payment.PaymentId),
            _ => new StepResult.Unavailable($"the payment is {payment.Status}"),
        };
    });

    /// <summary>The order's one authorization: the same request, under the same key, however often it is sent.</summary>
    private static AuthorizeRequest Authorization(OrderRow order) => new()
    {
        IdempotencyKey = Key(order.Id, "authorize"),
        OrderId = order.Id.ToString(),
        UserId = order.UserId.ToString(),
        Amount = Money.FromDecimal(order.Currency, order.Total),
        PaymentMethodToken = order.PaymentMethodToken,
    };

    public Task<StepResult> ShipAsync(OrderRow order, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        var shipment = (await Shipping.CreateShipmentAsync(new CreateShipmentRequest
        {
            OrderId = order.Id.ToString(), QuoteId = order.QuoteId ?? "", UserId = order.UserId.ToString(),
        }, deadline: Deadline, cancellationToken: cancellationToken)).Shipment;
        // Pending: Shipping recorded it but the carrier has not confirmed it yet; the same call again settles it.
        return shipment.Status == ShipmentStatus.Pending
            ? new StepResult.Unavailable($"shipment {shipment.ShipmentId} is pending at the carrier")
            : new StepResult.Done(shipment.ShipmentId);
    });

    public Task<StepResult> CaptureAsync(OrderRow order, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        var payment = (await payments.CaptureAsync(new CaptureRequest { PaymentId = order.PaymentId, IdempotencyKey = Key(order.Id, "capture") },
            deadline: Deadline, cancellationToken: cancellationToken)).Payment;
        return new StepResult.Done(payment.PaymentId);
    });

    public Task<StepResult> CommitAsync(OrderRow order, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        await inventory.CommitStockAsync(new CommitStockRequest { OrderId = order.Id.ToString() }, deadline: Deadline, cancellationToken: cancellationToken);
        return new StepResult.Done(null);
    });

    /// <summary>Undoes the commit of a cancelled order: its sold units go back on hand, once per order.</summary>
    public Task<StepResult> ReturnStockAsync(OrderRow order, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        await inventory.ReturnStockAsync(new ReturnStockRequest { OrderId = order.Id.ToString() }, deadline: Deadline, cancellationToken: cancellationToken);
        return new StepResult.Done(null);
    });

    // ---- compensation: each is idempotent and safe when the forward step never reached the participant ----

    public Task<StepResult> ReleaseAsync(OrderRow order, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        await inventory.ReleaseStockAsync(new ReleaseStockRequest { OrderId = order.Id.ToString() }, deadline: Deadline, cancellationToken: cancellationToken);
        return new StepResult.Done(null);
    }, notFoundIsDone: true);

    /// <summary>
    /// Gives back whatever the order's payments hold: voids an authorization, refunds a capture. Looks the payments up by
    /// order, so an authorization whose answer was lost is found too. One still pending (the provider's answer never came)
    /// is settled first by sending the order's authorization again under its key: Payment then learns from the provider
    /// what happened, or has it done now (harmless under the key), and the result is voided. Left pending, it waited for
    /// the reconciler's next round (5 min), or for ever when the provider had no record of it, and the order with it.
    /// </summary>
    public Task<StepResult> ReturnPaymentAsync(OrderRow order, string step, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        var found = await payments.ListPaymentsAsync(new ListPaymentsRequest { OrderId = order.Id.ToString() }, deadline: Deadline, cancellationToken: cancellationToken);
        foreach (var listed in found.Payments)
        {
            var payment = listed.Status == PaymentStatus.Pending
                ? (await payments.AuthorizeAsync(Authorization(order), deadline: Deadline, cancellationToken: cancellationToken)).Payment
                : listed;
            switch (payment.Status)
            {
                case PaymentStatus.Pending:
                    return new StepResult.Unavailable($"payment {payment.PaymentId} is still pending at the provider");
                case PaymentStatus.Authorized:
                    await payments.VoidAsync(new VoidRequest { PaymentId = payment.PaymentId, IdempotencyKey = Key(order.Id, $"{step}/void") },
                        deadline: Deadline, cancellationToken: cancellationToken);
                    break;
                case PaymentStatus.Captured or PaymentStatus.PartiallyRefunded:
                    await payments.RefundAsync(new RefundRequest { PaymentId = payment.PaymentId, Reason = step, IdempotencyKey = Key(order.Id, $"{step}/refund") },
                        deadline: Deadline, cancellationToken: cancellationToken);
                    break;
            }
        }
        return new StepResult.Done(null);
    });

    /// <summary>Cancels the order's shipment, found by order, so one booked whose answer was lost is cancelled too.</summary>
    public Task<StepResult> CancelShipmentAsync(OrderRow order, string reason, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        var found = await Shipping.ListShipmentsAsync(new ListShipmentsRequest { OrderId = order.Id.ToString() }, deadline: Deadline, cancellationToken: cancellationToken);
        foreach (var shipment in found.Shipments.Where(s => s.Status != ShipmentStatus.Cancelled))
        {
            await Shipping.CancelShipmentAsync(new CancelShipmentRequest { ShipmentId = shipment.ShipmentId, Reason = reason },
                deadline: Deadline, cancellationToken: cancellationToken);
        }
        return new StepResult.Done(null);
    });

    /// <summary>Refunds <paramref name="amount"/> (null: all that is left) of the order's payment under <paramref name="key"/>.</summary>
    public Task<StepResult> RefundAsync(OrderRow order, decimal? amount, string reason, string key, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        var refunded = (await payments.RefundAsync(new RefundRequest
        {
            PaymentId = order.PaymentId,
            Amount = amount is { } value ? Money.FromDecimal(order.Currency, value) : null,
            Reason = reason.Length > 200 ? reason[..200] : reason,
            IdempotencyKey = key,
        }, deadline: Deadline, cancellationToken: cancellationToken)).Payment;
        return new StepResult.Done(refunded.Refunded.ToDecimal().ToString(System.Globalization.CultureInfo.InvariantCulture));
    });

    private static async Task<StepResult> CallAsync(Func<Task<StepResult>> call, bool notFoundIsDone = false)
    {
        try
        {
            return await call();
        }
        catch (RpcException e) when (notFoundIsDone && e.StatusCode == StatusCode.NotFound)
        {
            return new StepResult.Done(null);
        }
        catch (RpcException e) when (IsRefusal(e.StatusCode))
        {
            return new StepResult.Refused(e.Status.Detail, null);
        }
        catch (RpcException e)
        {
            return new StepResult.Unavailable($"{e.StatusCode}: {e.Status.Detail}");
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or IOException)
        {
            return new StepResult.Unavailable(e.Message);
        }
    }

    /// <summary>A definite answer: calling again would give the same one. Anything else may succeed later.</summary>
    private static bool IsRefusal(StatusCode code) => code is StatusCode.FailedPrecondition or StatusCode.InvalidArgument or StatusCode.NotFound
        or StatusCode.AlreadyExists or StatusCode.OutOfRange or StatusCode.PermissionDenied or StatusCode.Unauthenticated;
}

internal abstract record StepResult
{
    /// <summary>Done; <paramref name="Detail"/> is what to keep (a payment id, a shipment id).</summary>
    public sealed record Done(string? Detail) : StepResult;

    /// <summary>The participant said no for good (a declined card, stock short, an expired reservation).</summary>
    public sealed record Refused(string Reason, string? Detail) : StepResult;

    /// <summary>No answer, or not yet: the same call may succeed later.</summary>
    public sealed record Unavailable(string Reason) : StepResult;
}
