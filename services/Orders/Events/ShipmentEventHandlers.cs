using ECommerce.Contracts.Events.V1;
using ECommerce.EventBus.Consuming;
using ECommerce.Orders.Checkout;

namespace ECommerce.Orders.Events;

/// <summary>
/// Shipping's events move the order: picked up → shipped, delivered → delivered, a return received → refunded in full.
/// Each change is written in the consumer's transaction, so a redelivered event changes nothing; a transition the
/// state machine refuses (an event about a cancelled order) is logged and skipped.
/// </summary>
internal sealed class ShipmentEventHandlers(OrderKeeper orders, Participants participants, ILogger<ShipmentEventHandlers> logger)
    : IEventHandler<ShipmentShipped>, IEventHandler<ShipmentDelivered>, IEventHandler<ReturnReceived>
{
    private const string Actor = "shipping";

    public Task HandleAsync(ShipmentShipped @event, EventContext context, CancellationToken cancellationToken) =>
        ApplyAsync(@event.OrderId, context, async (order, unit) =>
        {
            if (!OrderKeeper.TryMove(unit, order, OrderStatus.Shipped, Actor, $"shipment {@event.ShipmentId} picked up"))
            {
                return new Transition.Refused($"it is {order.Status}");
            }
            await unit.PublishAsync(order.Id, OrderEvents.Shipped(order, @event.ShipmentId), cancellationToken);
            return new Transition.Applied();
        }, cancellationToken);

    public Task HandleAsync(ShipmentDelivered @event, EventContext context, CancellationToken cancellationToken) =>
        ApplyAsync(@event.OrderId, context, async (order, unit) =>
        {
            // A delivery reported before the pickup was seen passes through shipped.
            if (OrderRules.Parse(order.Status) is OrderStatus.Paid or OrderStatus.Fulfilling)
            {
                OrderKeeper.TryMove(unit, order, OrderStatus.Shipped, Actor, $"shipment {@event.ShipmentId} picked up");
            }
            if (!OrderKeeper.TryMove(unit, order, OrderStatus.Delivered, Actor, $"shipment {@event.ShipmentId} delivered"))
            {
                return new Transition.Refused($"it is {order.Status}");
            }
            await unit.PublishAsync(order.Id, OrderEvents.Delivered(order, @event.ShipmentId), cancellationToken);
            return new Transition.Applied();
        }, cancellationToken);

    public async Task HandleAsync(ReturnReceived @event, EventContext context, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(@event.OrderId, out var orderId) || await orders.GetAsync(orderId, withHistory: false, cancellationToken) is not { } order)
        {
            logger.LogWarning("ReturnReceived names no order of ours ({OrderId})", @event.OrderId);
            return;
        }
        if (!OrderRules.IsRefundable(OrderRules.Parse(order.Status)) || order.Refunded >= order.Total)
        {
            return;
        }
        // The refund's key is the order's return: a redelivered event refunds nothing more. Throwing retries the batch.
        var refunded = await participants.RefundAsync(order, order.Total - order.Refunded, "return received", Participants.Key(orderId, "return/refund"), cancellationToken);
        if (refunded is not StepResult.Done done)
        {
            throw new InvalidOperationException($"The refund of returned order {orderId} did not go through: {refunded}");
        }
        var total = decimal.Parse(done.Detail!, System.Globalization.CultureInfo.InvariantCulture);
        await ApplyAsync(@event.OrderId, context, (row, unit) => AfterSales.ApplyRefundAsync(row, unit, total, Actor, "return received", cancellationToken), cancellationToken);
    }

    private async Task ApplyAsync(string orderId, EventContext context, Func<OrderRow, OrderKeeper.Unit, Task<Transition>> change, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(orderId, out var id))
        {
            logger.LogWarning("A shipment event names no order ({OrderId})", orderId);
            return;
        }
        var result = await orders.ChangeAsync(context.Connection, context.Transaction, id, change, cancellationToken);
        if (result is not Transition.Applied)
        {
            logger.LogWarning("{EventType} for order {OrderId} changed nothing: {Result}", context.EventType, orderId, result);
        }
    }
}
