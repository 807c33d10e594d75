using ECommerce.Contracts.Events.V1;
using ECommerce.EventBus.Outbox;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace ECommerce.Shipping.Events;

/// <summary>The events a change of a shipment announces (topic shipments, key the order id), recorded in the transaction of the change.</summary>
internal static class ShippingEvents
{
    /// <param name="occurredAt">When the carrier says the new status happened (its event's time), for Shipped and Delivered.</param>
    public static IEnumerable<IMessage> For(StoredShipment before, StoredShipment after, Func<string, DateTimeOffset> occurredAt)
    {
        var (id, order) = (after.ShipmentId.ToString(), after.OrderId);
        if (before.Status == ShipmentState.Pending && after.Status is not (ShipmentState.Pending or ShipmentState.Cancelled) && after.CarrierRef is not null)
        {
            yield return new ShipmentCreated { ShipmentId = id, OrderId = order, Carrier = after.Carrier, TrackingNumber = after.TrackingNumber, UserId = after.UserId };
        }
        if (!ShipmentRules.HasShipped(before.Status) && ShipmentRules.HasShipped(after.Status))
        {
            yield return new ShipmentShipped { ShipmentId = id, OrderId = order, OccurredAt = Timestamp.FromDateTimeOffset(occurredAt(ShipmentState.PickedUp)) };
        }
        if (before.Status != after.Status)
        {
            switch (after.Status)
            {
                case ShipmentState.Delivered:
                    yield return new ShipmentDelivered { ShipmentId = id, OrderId = order, OccurredAt = Timestamp.FromDateTimeOffset(occurredAt(ShipmentState.Delivered)) };
                    break;
                case ShipmentState.Exception:
                    yield return new ShipmentException { ShipmentId = id, OrderId = order, Reason = after.Reason };
                    break;
                case ShipmentState.ReturnedToSender:
                    yield return new ShipmentException { ShipmentId = id, OrderId = order, Reason = after.Reason, ReturnedToSender = true };
                    break;
                case ShipmentState.Cancelled:
                    yield return new ShipmentCancelled { ShipmentId = id, OrderId = order, Reason = after.Reason };
                    break;
            }
        }
        if (before.ReturnStatus != ShipmentState.ReturnReceived && after.ReturnStatus == ShipmentState.ReturnReceived)
        {
            yield return new ReturnReceived
            {
                ShipmentId = id, OrderId = order, UserId = after.UserId, OccurredAt = Timestamp.FromDateTimeOffset(after.ReturnReceivedAt ?? after.UpdatedAt),
            };
        }
    }

    public static async Task AddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredShipment before, StoredShipment after,
        Func<string, DateTimeOffset> occurredAt, CancellationToken cancellationToken)
    {
        foreach (var @event in For(before, after, occurredAt))
        {
            await Outbox.AddAsync(connection, transaction, after.OrderId, @event, cancellationToken);
        }
    }
}
