using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace ECommerce.Shipping.Shipments;

/// <summary>A shipments row, with its return when one was asked for.</summary>
internal sealed record StoredShipment(
    Guid ShipmentId, string OrderId, string UserId, Guid QuoteId, ShippingOption Option, string Currency, decimal Price, Address Address,
    IReadOnlyList<ShippingItem> Items, long WeightGrams, string Status, string Carrier, string? CarrierRef, string TrackingNumber, byte[]? Label,
    string LabelContentType, string Reason, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? DeliveredAt,
    string? ReturnStatus, string ReturnTracking, byte[]? ReturnLabel, string ReturnReason, DateTimeOffset? ReturnCreatedAt, DateTimeOffset? ReturnReceivedAt)
{
    public const string Columns = """
        shipment_id, order_id, user_id, quote_id, option, currency, price, address, skus, quantities, weight_grams, status, carrier, carrier_ref,
        tracking_number, label, label_content_type, reason, created_at, updated_at, delivered_at,
        return_status, return_tracking, return_label, return_reason, return_created_at, return_received_at
        """;

    public static StoredShipment Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetGuid(3), QuoteRules.OptionOf(reader.GetString(4)), reader.GetString(5),
        reader.GetDecimal(6), JsonParser.Default.Parse<Address>(reader.GetString(7)),
        StoredQuote.ItemsOf(reader.GetFieldValue<string[]>(8), reader.GetFieldValue<long[]>(9)), reader.GetInt64(10), reader.GetString(11), reader.GetString(12),
        reader.IsDBNull(13) ? null : reader.GetString(13), reader.GetString(14), reader.IsDBNull(15) ? null : reader.GetFieldValue<byte[]>(15), reader.GetString(16),
        reader.GetString(17), reader.GetFieldValue<DateTimeOffset>(18), reader.GetFieldValue<DateTimeOffset>(19), Optional(reader, 20),
        reader.IsDBNull(21) ? null : reader.GetString(21), reader.GetString(22), reader.IsDBNull(23) ? null : reader.GetFieldValue<byte[]>(23), reader.GetString(24),
        Optional(reader, 25), Optional(reader, 26));

    /// <summary>What "the same request" means for a repeated CreateShipment of an order.</summary>
    public bool IsBookingOf(Guid quoteId, string userId) => QuoteId == quoteId && UserId == userId;

    /// <summary>The contract's shipment, with its tracking history (oldest first).</summary>
    public Shipment ToContract(IEnumerable<TrackingEvent> tracking)
    {
        var shipment = new Shipment
        {
            ShipmentId = ShipmentId.ToString(),
            OrderId = OrderId,
            Status = ShipmentRules.Status(Status),
            Address = Address,
            Items = { Items },
            Carrier = Carrier,
            TrackingNumber = TrackingNumber,
            CreatedAt = Timestamp.FromDateTimeOffset(CreatedAt),
            UpdatedAt = Timestamp.FromDateTimeOffset(UpdatedAt),
            UserId = UserId,
            QuoteId = QuoteId.ToString(),
            Option = Option,
            Price = Money.FromDecimal(Currency, Price),
            Label = Label is null ? ByteString.Empty : ByteString.CopyFrom(Label),
            LabelContentType = LabelContentType,
            Tracking = { tracking },
            Reason = Reason,
        };
        if (ReturnStatus is not null)
        {
            shipment.Return = new Return
            {
                Status = ShipmentRules.ReturnStatusOf(ReturnStatus),
                TrackingNumber = ReturnTracking,
                Label = ReturnLabel is null ? ByteString.Empty : ByteString.CopyFrom(ReturnLabel),
                LabelContentType = LabelContentType,
                CreatedAt = ReturnCreatedAt is { } created ? Timestamp.FromDateTimeOffset(created) : null,
                ReceivedAt = ReturnReceivedAt is { } received ? Timestamp.FromDateTimeOffset(received) : null,
            };
        }
        return shipment;
    }

    private static DateTimeOffset? Optional(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}

internal abstract record ShipmentOutcome
{
    public sealed record Done(StoredShipment Shipment, IReadOnlyList<TrackingEvent> Tracking) : ShipmentOutcome;

    /// <summary>The carrier did not answer and has no record yet: the shipment is pending; retry.</summary>
    public sealed record Unknown(string Reason) : ShipmentOutcome;

    public sealed record NotFound : ShipmentOutcome;

    public sealed record QuoteNotFound : ShipmentOutcome;

    public sealed record QuoteExpired(DateTimeOffset ExpiredAt) : ShipmentOutcome;

    /// <summary>The quote was made for another customer than the order's.</summary>
    public sealed record QuoteOfAnotherUser : ShipmentOutcome;

    /// <summary>The order already has a shipment, booked from another quote or for another customer.</summary>
    public sealed record OrderHasOtherShipment(StoredShipment Shipment) : ShipmentOutcome;

    public sealed record WrongState(StoredShipment Shipment, string Operation) : ShipmentOutcome;

    public sealed record ReturnWindowClosed(StoredShipment Shipment, DateTimeOffset ClosedAt) : ShipmentOutcome;

    public sealed record CarrierRefused(string Code, string Message) : ShipmentOutcome;
}
