using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace ECommerce.Orders.Orders;

/// <summary>Stored rows to the contract's Order.</summary>
internal static class OrderMapping
{
    public static Order ToContract(this OrderRow order)
    {
        var contract = new Order
        {
            OrderId = order.Id.ToString(),
            UserId = order.UserId.ToString(),
            Status = OrderRules.Parse(order.Status),
            Subtotal = Money.FromDecimal(order.Currency, order.Subtotal),
            ShippingCost = Money.FromDecimal(order.Currency, order.ShippingCost),
            Total = Money.FromDecimal(order.Currency, order.Total),
            Refunded = Money.FromDecimal(order.Currency, order.Refunded),
            ShippingAddress = JsonParser.Default.Parse<Address>(order.ShippingAddress),
            PaymentId = order.PaymentId ?? "",
            ShipmentId = order.ShipmentId ?? "",
            QuoteId = order.QuoteId ?? "",
            FailureReason = order.FailureReason ?? "",
            CreatedAt = Timestamp.FromDateTimeOffset(order.CreatedAt),
            UpdatedAt = Timestamp.FromDateTimeOffset(order.UpdatedAt),
        };
        contract.Lines.AddRange(order.Lines.OrderBy(line => line.Position).Select(line => new OrderLine
        {
            Sku = line.Sku,
            ProductId = line.ProductId,
            Name = line.Name,
            Quantity = line.Quantity,
            UnitPrice = Money.FromDecimal(order.Currency, line.UnitPrice),
            LineTotal = Money.FromDecimal(order.Currency, line.LineTotal),
            Options = { JsonSerializer.Deserialize<Dictionary<string, string>>(line.Options) ?? [] },
        }));
        contract.History.AddRange(order.History.OrderBy(e => e.Id).Select(e => new OrderEvent
        {
            Status = OrderRules.Parse(e.Status),
            OccurredAt = Timestamp.FromDateTimeOffset(e.OccurredAt),
            Actor = e.Actor,
            Reason = e.Reason,
        }));
        return contract;
    }
}
