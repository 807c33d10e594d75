using ECommerce.Contracts.Events.V1;

namespace ECommerce.Orders.Events;

/// <summary>Builds each event Orders publishes on the orders topic, in one place.</summary>
internal static class OrderEvents
{
    public static OrderPlaced Placed(OrderRow order) => new()
    {
        OrderId = order.Id.ToString(),
        UserId = order.UserId.ToString(),
        Lines = { Snapshot(order) },
        Total = Money.FromDecimal(order.Currency, order.Total),
    };

    public static OrderPaid Paid(OrderRow order) => new()
    {
        OrderId = order.Id.ToString(),
        PaymentId = order.PaymentId ?? "",
        UserId = order.UserId.ToString(),
        Amount = Money.FromDecimal(order.Currency, order.Total),
    };

    /// <summary>Cart takes these lines out of the user's cart (keep its fields: Cart consumes it).</summary>
    public static OrderConfirmed Confirmed(OrderRow order) => new()
    {
        OrderId = order.Id.ToString(),
        UserId = order.UserId.ToString(),
        Lines = { Snapshot(order) },
    };

    public static OrderCancelled Cancelled(OrderRow order, string reason, bool failed) => new()
    {
        OrderId = order.Id.ToString(),
        UserId = order.UserId.ToString(),
        Reason = reason,
        Failed = failed,
    };

    public static OrderShipped Shipped(OrderRow order, string shipmentId) => new()
    {
        OrderId = order.Id.ToString(),
        ShipmentId = shipmentId,
        UserId = order.UserId.ToString(),
    };

    public static OrderDelivered Delivered(OrderRow order, string shipmentId) => new()
    {
        OrderId = order.Id.ToString(),
        ShipmentId = shipmentId,
        UserId = order.UserId.ToString(),
    };

    public static OrderRefunded Refunded(OrderRow order, decimal amount, string reason) => new()
    {
        OrderId = order.Id.ToString(),
        UserId = order.UserId.ToString(),
        Amount = Money.FromDecimal(order.Currency, amount),
        TotalRefunded = Money.FromDecimal(order.Currency, order.Refunded),
        Reason = reason,
    };

    private static IEnumerable<OrderLineSnapshot> Snapshot(OrderRow order) =>
        order.Lines.OrderBy(line => line.Position).Select(line => new OrderLineSnapshot
        {
            Sku = line.Sku, Quantity = line.Quantity, UnitPrice = Money.FromDecimal(order.Currency, line.UnitPrice),
        });
}
