namespace ECommerce.Shipping.Shipments;

/// <summary>The stored states (shipments.status): the carrier's words, plus pending.</summary>
internal static class ShipmentState
{
    public const string Pending = "pending";
    public const string LabelCreated = "label_created";
    public const string PickedUp = "picked_up";
    public const string InTransit = "in_transit";
    public const string OutForDelivery = "out_for_delivery";
    public const string Delivered = "delivered";
    public const string Exception = "exception";
    public const string ReturnedToSender = "returned_to_sender";
    public const string Cancelled = "cancelled";

    public const string ReturnLabelIssued = "label_issued";
    public const string ReturnInTransit = "in_transit";
    public const string ReturnReceived = "received";
}

/// <summary>
/// The shipment's state machine, without a database:
/// pending → label_created → picked_up → in_transit → out_for_delivery → delivered; cancelled only before pickup;
/// exception from any moving state, resolved forward or ending in returned_to_sender. Delivered, returned to sender
/// and cancelled are final.
/// </summary>
/// <remarks>
/// A carrier's reports may arrive late or out of order: a move along the main path may skip states (delivered
/// straight after label_created), and a report of a state already passed is not a move (<see cref="CanMove"/> is false).
/// </remarks>
internal static class ShipmentRules
{
    private static readonly string[] MainPath =
        [ShipmentState.Pending, ShipmentState.LabelCreated, ShipmentState.PickedUp, ShipmentState.InTransit, ShipmentState.OutForDelivery, ShipmentState.Delivered];

    private static readonly string[] ReturnPath = [ShipmentState.ReturnLabelIssued, ShipmentState.ReturnInTransit, ShipmentState.ReturnReceived];

    public static bool IsFinal(string status) => status is ShipmentState.Delivered or ShipmentState.ReturnedToSender or ShipmentState.Cancelled;

    public static bool IsKnown(string status) => MainPath.Contains(status) || status is ShipmentState.Exception or ShipmentState.ReturnedToSender or ShipmentState.Cancelled;

    public static bool CanMove(string from, string to)
    {
        if (from == to || IsFinal(from) || !IsKnown(to))
        {
            return false;
        }
        return to switch
        {
            ShipmentState.Cancelled => CanCancel(from),
            ShipmentState.Exception => from is ShipmentState.LabelCreated or ShipmentState.PickedUp or ShipmentState.InTransit or ShipmentState.OutForDelivery,
            ShipmentState.ReturnedToSender => from is ShipmentState.PickedUp or ShipmentState.InTransit or ShipmentState.OutForDelivery or ShipmentState.Exception,
            // Resumed after an exception, or forward along the main path.
            _ => from == ShipmentState.Exception ? Array.IndexOf(MainPath, to) > Array.IndexOf(MainPath, ShipmentState.LabelCreated)
                : Array.IndexOf(MainPath, to) > Array.IndexOf(MainPath, from),
        };
    }

    /// <summary>Until the carrier has the parcel.</summary>
    public static bool CanCancel(string status) => status is ShipmentState.Pending or ShipmentState.LabelCreated;

    /// <summary>Whether the parcel is with the carrier or past it: the order has shipped.</summary>
    public static bool HasShipped(string status) => status is ShipmentState.PickedUp or ShipmentState.InTransit or ShipmentState.OutForDelivery
        or ShipmentState.Delivered or ShipmentState.Exception or ShipmentState.ReturnedToSender;

    /// <summary>A return moves only forward: label issued → in transit → received.</summary>
    public static bool CanMoveReturn(string? from, string to) =>
        Array.IndexOf(ReturnPath, to) > (from is null ? -1 : Array.IndexOf(ReturnPath, from));

    /// <summary>A delivered shipment may be returned until the window after its delivery closes.</summary>
    public static bool CanReturn(string status, DateTimeOffset? deliveredAt, DateTimeOffset now, TimeSpan window) =>
        status == ShipmentState.Delivered && deliveredAt is { } delivered && now <= delivered + window;

    public static ShipmentStatus Status(string stored) => stored switch
    {
        ShipmentState.Pending => ShipmentStatus.Pending,
        ShipmentState.LabelCreated => ShipmentStatus.LabelCreated,
        ShipmentState.PickedUp => ShipmentStatus.PickedUp,
        ShipmentState.InTransit => ShipmentStatus.InTransit,
        ShipmentState.OutForDelivery => ShipmentStatus.OutForDelivery,
        ShipmentState.Delivered => ShipmentStatus.Delivered,
        ShipmentState.Exception => ShipmentStatus.Exception,
        ShipmentState.ReturnedToSender => ShipmentStatus.ReturnedToSender,
        ShipmentState.Cancelled => ShipmentStatus.Cancelled,
        _ => ShipmentStatus.Unspecified,
    };

    public static ReturnStatus ReturnStatusOf(string stored) => stored switch
    {
        ShipmentState.ReturnLabelIssued => ReturnStatus.LabelIssued,
        ShipmentState.ReturnInTransit => ReturnStatus.InTransit,
        ShipmentState.ReturnReceived => ReturnStatus.Received,
        _ => ReturnStatus.Unspecified,
    };
}
