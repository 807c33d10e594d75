using ECommerce.Orders.Events;

namespace ECommerce.Orders.Checkout;

/// <summary>
/// Changes after a paid checkout that call other services: cancellation (cancel the shipment, refund the capture,
/// put the sold stock back) and refunds. The calls carry keys derived from the order, so a repeated request refunds once.
/// </summary>
/// <remarks>
/// The stock goes back after the order is cancelled, not before: the cancellation must not wait on Catalog, and stock
/// returned for an order that then could not be cancelled (its parcel already picked up) would be counted twice. So the
/// cancelling transaction records a <see cref="ReturnStock"/> step as started, and the call follows; if Orders dies or
/// Catalog is unavailable in between, <see cref="SagaResumer"/> finds the started step and calls again (Catalog returns
/// an order's sale once, keyed by the order id).
/// <para>
/// A cancellation, once asked for, is carried through: it is recorded as a started <see cref="Cancel"/> step (with who
/// asked and why) before the shipment or the payment is touched. If Orders dies in the middle (the shipment cancelled,
/// the money refunded, the order still paid), or a participant is unavailable, the resumer repeats it under the same
/// keys until the order is cancelled, or the cancellation is refused (a parcel that left meanwhile).
/// </para>
/// </remarks>
internal sealed class AfterSales(OrderKeeper orders, Participants participants, OrdersOptions options, ILogger<AfterSales> logger)
{
    public const string ReturnStock = "return_stock";
    public const string Cancel = "cancel";

    public async Task<AfterSale> CancelAsync(Guid orderId, string actor, string reason, CancellationToken cancellationToken)
    {
        var order = await orders.GetAsync(orderId, withHistory: false, cancellationToken);
        if (order is null)
        {
            return new AfterSale.NotFound();
        }
        var status = OrderRules.Parse(order.Status);
        if (status == OrderStatus.Cancelled)
        {
            return new AfterSale.Done();
        }
        if (OrderRules.IsCheckingOut(status))
        {
            return new AfterSale.WrongState("its checkout is still running; it ends paid or failed by itself");
        }
        if (!OrderRules.IsCancellable(status))
        {
            return new AfterSale.WrongState($"it is {order.Status}; only an order that has not shipped can be cancelled");
        }
        await orders.StepStartedAsync(orderId, Cancel, $"{actor}\n{reason}", cancellationToken);
        if (options.ShippingEnabled && order.ShipmentId is not null)
        {
            switch (await participants.CancelShipmentAsync(order, reason, cancellationToken))
            {
                case StepResult.Refused refused:
                    await orders.EndStepAsync(orderId, Cancel, "refused", cancellationToken);
                    return new AfterSale.WrongState($"its shipment cannot be cancelled: {refused.Reason}");
                case StepResult.Unavailable unavailable:
                    return new AfterSale.Unavailable(unavailable.Reason);
            }
        }
        var left = order.Total - order.Refunded;
        decimal refundedTotal = order.Refunded;
        if (left > 0)
        {
            switch (await participants.RefundAsync(order, left, reason, Participants.Key(orderId, "cancel/refund"), cancellationToken))
            {
                case StepResult.Done done:
                    refundedTotal = decimal.Parse(done.Detail!, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case StepResult.Refused refused:
                    await orders.EndStepAsync(orderId, Cancel, "refused", cancellationToken);
                    return new AfterSale.WrongState($"its payment cannot be refunded: {refused.Reason}");
                case StepResult.Unavailable unavailable:
                    return new AfterSale.Unavailable(unavailable.Reason);
            }
        }
        var change = await orders.ChangeAsync(orderId, async (row, unit) =>
        {
            if (OrderRules.Parse(row.Status) == OrderStatus.Cancelled)
            {
                // The same cancellation, repeated by the customer or the resumer, got there first.
                return new Transition.Applied();
            }
            var before = row.Refunded;
            row.Refunded = Math.Min(row.Total, refundedTotal);
            if (!OrderKeeper.TryMove(unit, row, OrderStatus.Cancelled, actor, reason))
            {
                return new Transition.Refused($"it is {row.Status}");
            }
            row.FailureReason = reason;
            await OrderKeeper.EndStepAsync(unit, orderId, Cancel, "done", cancellationToken);
            await OrderKeeper.StepStartedAsync(unit, orderId, ReturnStock, cancellationToken);
            await unit.PublishAsync(orderId, OrderEvents.Cancelled(row, reason, failed: false), cancellationToken);
            if (row.Refunded > before)
            {
                await unit.PublishAsync(orderId, OrderEvents.Refunded(row, row.Refunded - before, reason), cancellationToken);
            }
            return new Transition.Applied();
        }, cancellationToken);
        if (change is Transition.Refused wrong)
        {
            await orders.EndStepAsync(orderId, Cancel, "refused", cancellationToken);
            return new AfterSale.WrongState(wrong.Reason);
        }
        await ReturnStockAsync(orderId, cancellationToken);
        return new AfterSale.Done();
    }

    /// <summary>
    /// Carries through a cancellation that was started and never ended (Orders died in the middle, or a participant was
    /// unavailable): the same calls under the same keys. One that can no longer be done is recorded refused.
    /// </summary>
    /// <param name="detail">The started step's detail: who asked and why.</param>
    public async Task ResumeCancellationAsync(Guid orderId, string? detail, CancellationToken cancellationToken)
    {
        var (actor, reason) = detail?.Split('\n', 2) is [var who, var why] ? (who, why) : (OrderKeeper.CheckoutActor, "cancelled");
        var outcome = await CancelAsync(orderId, actor, reason, cancellationToken);
        switch (outcome)
        {
            case AfterSale.Unavailable unavailable:
                logger.LogWarning("Cancellation of order {OrderId} waits: {Reason}", orderId, unavailable.Reason);
                break;
            case AfterSale.WrongState wrong:
                logger.LogWarning("Cancellation of order {OrderId} cannot be carried through: {Reason}", orderId, wrong.Reason);
                await orders.EndStepAsync(orderId, Cancel, "refused", cancellationToken);
                break;
            case AfterSale.NotFound:
                await orders.EndStepAsync(orderId, Cancel, "refused", cancellationToken);
                break;
        }
    }

    /// <summary>
    /// Puts a cancelled order's sold units back in Catalog and records the step done. Unavailable leaves it started for the
    /// resumer; a refusal (nothing was sold: the reservation was never committed) is recorded with its reason, as there is nothing to return.
    /// </summary>
    public async Task ReturnStockAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var order = await orders.GetAsync(orderId, withHistory: false, cancellationToken);
        if (order is null)
        {
            return;
        }
        var result = await participants.ReturnStockAsync(order, cancellationToken);
        if (result is StepResult.Unavailable unavailable)
        {
            logger.LogWarning("Returning the stock of cancelled order {OrderId} waits: {Reason}", orderId, unavailable.Reason);
            return;
        }
        if (result is StepResult.Refused refused)
        {
            logger.LogWarning("Catalog refused to return the stock of cancelled order {OrderId}: {Reason}", orderId, refused.Reason);
        }
        await orders.StepFinishedAsync(orderId, ReturnStock, done: true, (result as StepResult.Refused)?.Reason, null, cancellationToken);
    }

    /// <param name="amount">Null refunds everything not yet refunded.</param>
    public async Task<AfterSale> RefundAsync(Guid orderId, decimal? amount, string actor, string reason, string key, CancellationToken cancellationToken)
    {
        var order = await orders.GetAsync(orderId, withHistory: false, cancellationToken);
        if (order is null)
        {
            return new AfterSale.NotFound();
        }
        if (!OrderRules.IsRefundable(OrderRules.Parse(order.Status)))
        {
            return new AfterSale.WrongState($"it is {order.Status}; only a paid order that is not refunded can be refunded");
        }
        var refund = OrderRules.RefundAmount(order.Total, order.Refunded, amount);
        if (refund is null)
        {
            return new AfterSale.TooMuch(order.Total - order.Refunded, order.Currency);
        }
        switch (await participants.RefundAsync(order, refund, reason, Participants.Key(orderId, $"refund/{key}"), cancellationToken))
        {
            case StepResult.Refused refused:
                return new AfterSale.WrongState($"its payment cannot be refunded: {refused.Reason}");
            case StepResult.Unavailable unavailable:
                return new AfterSale.Unavailable(unavailable.Reason);
            case StepResult.Done done:
                var refundedTotal = decimal.Parse(done.Detail!, System.Globalization.CultureInfo.InvariantCulture);
                await orders.ChangeAsync(orderId, (row, unit) => ApplyRefundAsync(row, unit, refundedTotal, actor, reason, cancellationToken), cancellationToken);
                return new AfterSale.Done();
            default:
                throw new InvalidOperationException("Unknown step result.");
        }
    }

    /// <summary>Takes the payment's refunded total as the truth (a replayed refund adds nothing), and ends the order refunded when all is back.</summary>
    public static async Task<Transition> ApplyRefundAsync(OrderRow row, OrderKeeper.Unit unit, decimal refundedTotal, string actor, string reason,
        CancellationToken cancellationToken)
    {
        var before = row.Refunded;
        row.Refunded = Math.Min(row.Total, Math.Max(before, refundedTotal));
        if (row.Refunded > before)
        {
            await unit.PublishAsync(row.Id, OrderEvents.Refunded(row, row.Refunded - before, reason), cancellationToken);
        }
        if (row.Refunded >= row.Total)
        {
            OrderKeeper.TryMove(unit, row, OrderStatus.Refunded, actor, reason);
        }
        return new Transition.Applied();
    }
}

internal abstract record AfterSale
{
    public sealed record Done : AfterSale;
    public sealed record NotFound : AfterSale;
    public sealed record WrongState(string Reason) : AfterSale;
    public sealed record TooMuch(decimal Left, string Currency) : AfterSale;
    public sealed record Unavailable(string Reason) : AfterSale;
}
