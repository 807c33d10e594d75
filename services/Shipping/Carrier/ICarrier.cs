namespace ECommerce.Shipping.Carrier;

/// <summary>
/// A parcel carrier as the shop uses it. Creates carry an idempotency key, so asking again after a lost answer books
/// nothing twice; <see cref="PartnerUnavailableException"/> means the outcome is unknown.
/// </summary>
internal interface ICarrier
{
    /// <summary>The carrier's name, shown on every shipment.</summary>
    string Name { get; }

    Task<CarrierParcel> CreateAsync(string idempotencyKey, string reference, string service, long weightGrams, Address to, CancellationToken cancellationToken);

    Task<CarrierParcel?> FindByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Refused with code <c>invalid_state</c> once the parcel was picked up.</summary>
    Task<CarrierParcel> CancelAsync(string parcelId, CancellationToken cancellationToken);

    /// <summary>A return label for a delivered parcel; the carrier issues one per parcel.</summary>
    Task<CarrierParcel> CreateReturnAsync(string parcelId, string reason, CancellationToken cancellationToken);
}

/// <summary>The carrier's record of a parcel: statuses in its words ("label_created" … "delivered", "exception", "returned_to_sender", "cancelled").</summary>
internal sealed record CarrierParcel(
    string Id, string Reference, string Status, string TrackingNumber, byte[]? Label, string LabelContentType,
    IReadOnlyList<CarrierEvent> Events, CarrierReturn? Return);

internal sealed record CarrierEvent(string Id, string Status, DateTimeOffset OccurredAt, string Location, string Description);

/// <summary>A return's statuses: "label_issued", "in_transit", "received".</summary>
internal sealed record CarrierReturn(string Status, string TrackingNumber, byte[]? Label, DateTimeOffset Created, IReadOnlyList<CarrierEvent> Events);
