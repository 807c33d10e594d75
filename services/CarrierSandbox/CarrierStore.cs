using System.Security.Cryptography;
using System.Text;

namespace ECommerce.CarrierSandbox;

/// <summary>What happens to a parcel, chosen by its recipient's name (README: test recipients).</summary>
internal enum Scenario
{
    Deliver,
    Damaged,
    Undeliverable,
}

internal sealed record AddressBody(string? Name, string? Line1, string? Line2, string? City, string? Region, string? PostalCode, string? CountryCode, string? Phone);

internal sealed record CreateShipmentBody(string? Reference, string? Service, long WeightGrams, AddressBody? To);

internal sealed record ReturnBody(string? Reason);

internal sealed record Tracking(string Id, string Status, DateTimeOffset OccurredAt, string Location, string Description)
{
    public object ToJson() => new { id = Id, status = Status, occurred_at = OccurredAt.ToUnixTimeSeconds(), location = Location, description = Description };
}

internal sealed class ReturnParcel
{
    public required string TrackingNumber { get; init; }
    public required string Reason { get; init; }
    public required byte[] Label { get; init; }
    public required DateTimeOffset Created { get; init; }
    public required string Status { get; set; }
    public List<Tracking> Events { get; } = [];
}

internal sealed class Parcel
{
    public required string Id { get; init; }
    public required string IdempotencyKey { get; init; }
    public required string Fingerprint { get; init; }
    public required string Reference { get; init; }
    public required string Service { get; init; }
    public required long WeightGrams { get; init; }
    public required AddressBody To { get; init; }
    public required string TrackingNumber { get; init; }
    public required byte[] Label { get; init; }
    public required Scenario Scenario { get; init; }
    public required DateTimeOffset Created { get; init; }
    public required string Status { get; set; }
    public DateTimeOffset LastMove { get; set; }
    public List<Tracking> Events { get; } = [];
    public ReturnParcel? Return { get; set; }

    public object ToJson(bool withLabels = true) => new
    {
        id = Id,
        @object = "shipment",
        reference = Reference,
        idempotency_key = IdempotencyKey,
        service = Service,
        weight_grams = WeightGrams,
        status = Status,
        tracking_number = TrackingNumber,
        label = withLabels ? Label : null,
        label_content_type = CarrierStore.LabelContentType,
        created = Created.ToUnixTimeSeconds(),
        events = Events.Select(e => e.ToJson()),
        @return = Return is null ? null : new
        {
            status = Return.Status,
            tracking_number = Return.TrackingNumber,
            reason = Return.Reason,
            label = withLabels ? Return.Label : null,
            label_content_type = CarrierStore.LabelContentType,
            created = Return.Created.ToUnixTimeSeconds(),
            events = Return.Events.Select(e => e.ToJson()),
        },
    };
}

internal sealed record CarrierError(int Status, string Code, string Message);

/// <summary>
/// The carrier's parcels, in memory (a sandbox forgets at restart), behind one lock: every operation is
/// microseconds, and it makes "same idempotency key, same parcel" trivially true under concurrency.
/// </summary>
internal sealed class CarrierStore(TimeProvider clock, WebhookSender webhooks)
{
    public const string LabelContentType = "application/zpl";
    public static readonly string[] Services = ["standard", "express", "overnight"];

    private const string Hub = "Shop warehouse, Berlin";
    private const string SortingCentre = "Sorting centre, Leipzig";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Parcel> _parcels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Parcel> _byKey = new(StringComparer.Ordinal);

    /// <returns>The parcel and whether this call created it (false: a replay of the same key).</returns>
    public (Parcel? Parcel, CarrierError? Error) Create(string idempotencyKey, CreateShipmentBody body)
    {
        var to = body.To!;
        var fingerprint = $"{body.Reference}|{body.Service}|{body.WeightGrams}|{to}";
        lock (_gate)
        {
            if (_byKey.TryGetValue(idempotencyKey, out var earlier))
            {
                return earlier.Fingerprint == fingerprint
                    ? (earlier, null)
                    : (null, new CarrierError(409, "idempotency_key_reused", $"Idempotency key {idempotencyKey} was used with other parameters."));
            }
            var now = clock.GetUtcNow();
            var tracking = NewTrackingNumber();
            var parcel = new Parcel
            {
                Id = NewId("shp"),
                IdempotencyKey = idempotencyKey,
                Fingerprint = fingerprint,
                Reference = body.Reference ?? "",
                Service = body.Service!,
                WeightGrams = body.WeightGrams,
                To = to,
                TrackingNumber = tracking,
                Label = Label(tracking, body.Service!, to),
                Scenario = ScenarioOf(to.Name ?? ""),
                Created = now,
                Status = "label_created",
                LastMove = now,
            };
            parcel.Events.Add(new Tracking(NewId("trk"), "label_created", now, Hub, "Label created; the carrier awaits the parcel"));
            _parcels[parcel.Id] = parcel;
            _byKey[idempotencyKey] = parcel;
            webhooks.Enqueue("shipment.updated", parcel);
            return (parcel, null);
        }
    }

    public Parcel? Find(string id)
    {
        lock (_gate)
        {
            return _parcels.GetValueOrDefault(id);
        }
    }

    public IReadOnlyList<Parcel> List(string? reference, string? idempotencyKey)
    {
        lock (_gate)
        {
            return _parcels.Values
                .Where(parcel => (reference is null || parcel.Reference == reference) && (idempotencyKey is null || parcel.IdempotencyKey == idempotencyKey))
                .OrderBy(parcel => parcel.Created).ToList();
        }
    }

    /// <summary>Only before pickup; a cancelled parcel cancelled again is answered as it is.</summary>
    public (Parcel? Parcel, CarrierError? Error) Cancel(string id)
    {
        lock (_gate)
        {
            if (!_parcels.TryGetValue(id, out var parcel))
            {
                return (null, NoSuchShipment(id));
            }
            if (parcel.Status == "cancelled")
            {
                return (parcel, null);
            }
            if (parcel.Status != "label_created")
            {
                return (null, new CarrierError(409, "invalid_state", $"Shipment {id} is {parcel.Status}; only a shipment not yet picked up can be cancelled."));
            }
            Move(parcel, "cancelled", Hub, "Cancelled by the shipper before pickup");
            return (parcel, null);
        }
    }

    /// <summary>A return label for a delivered parcel; one per parcel, so a repeated request returns the same label.</summary>
    public (Parcel? Parcel, CarrierError? Error) CreateReturn(string id, string reason)
    {
        lock (_gate)
        {
            if (!_parcels.TryGetValue(id, out var parcel))
            {
                return (null, NoSuchShipment(id));
            }
            if (parcel.Return is not null)
            {
                return (parcel, null);
            }
            if (parcel.Status != "delivered")
            {
                return (null, new CarrierError(409, "invalid_state", $"Shipment {id} is {parcel.Status}; only a delivered shipment can be returned."));
            }
            var now = clock.GetUtcNow();
            var tracking = NewTrackingNumber();
            parcel.Return = new ReturnParcel
            {
                TrackingNumber = tracking,
                Reason = reason,
                Label = Label(tracking, "return", new AddressBody("Returns department", "Lagerstraße 1", null, "Berlin", null, "10115", "DE", null)),
                Created = now,
                Status = "label_issued",
            };
            parcel.Return.Events.Add(new Tracking(NewId("trk"), "label_issued", now, parcel.To.City ?? "", "Return label issued"));
            parcel.LastMove = now;
            webhooks.Enqueue("return.updated", parcel);
            return (parcel, null);
        }
    }

    /// <summary>Moves a parcel one step along its scenario, or its open return along the return's path.</summary>
    /// <returns>The parcel; moved is false when it has nowhere left to go.</returns>
    public (Parcel? Parcel, bool Moved, CarrierError? Error) Advance(string id)
    {
        lock (_gate)
        {
            return _parcels.TryGetValue(id, out var parcel) ? (parcel, Step(parcel), null) : (null, false, NoSuchShipment(id));
        }
    }

    /// <summary>The carrier's clock: every parcel that has stayed <paramref name="interval"/> in its state moves one step.</summary>
    public int AdvanceDue(TimeSpan interval)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            return _parcels.Values.Count(parcel => now - parcel.LastMove >= interval && Step(parcel));
        }
    }

    private bool Step(Parcel parcel)
    {
        if (parcel.Return is { } open)
        {
            return StepReturn(parcel, open);
        }
        var city = parcel.To.City ?? "";
        (string Status, string Location, string Description)? next = (parcel.Status, parcel.Scenario) switch
        {
            ("label_created", _) => ("picked_up", Hub, "Picked up by the carrier"),
            ("picked_up", _) => ("in_transit", SortingCentre, "In transit"),
            ("in_transit", Scenario.Damaged) => ("exception", SortingCentre, "Damaged in transit"),
            ("in_transit", _) => ("out_for_delivery", $"Delivery depot, {city}", "Out for delivery"),
            ("out_for_delivery", Scenario.Undeliverable) => ("exception", city, "Address not found"),
            ("out_for_delivery", _) => ("delivered", city, "Delivered"),
            ("exception", Scenario.Undeliverable) => ("returned_to_sender", Hub, "Returned to sender: address not found"),
            _ => null,
        };
        if (next is not { } move)
        {
            return false;
        }
        Move(parcel, move.Status, move.Location, move.Description);
        return true;
    }

    private bool StepReturn(Parcel parcel, ReturnParcel open)
    {
        (string Status, string Location, string Description)? next = open.Status switch
        {
            "label_issued" => ("in_transit", parcel.To.City ?? "", "Return handed to the carrier"),
            "in_transit" => ("received", Hub, "Return received by the shop"),
            _ => null,
        };
        if (next is not { } move)
        {
            return false;
        }
        var now = clock.GetUtcNow();
        open.Status = move.Status;
        open.Events.Add(new Tracking(NewId("trk"), move.Status, now, move.Location, move.Description));
        parcel.LastMove = now;
        webhooks.Enqueue("return.updated", parcel);
        return true;
    }

    private void Move(Parcel parcel, string status, string location, string description)
    {
        var now = clock.GetUtcNow();
        parcel.Status = status;
        parcel.LastMove = now;
        parcel.Events.Add(new Tracking(NewId("trk"), status, now, location, description));
        webhooks.Enqueue("shipment.updated", parcel);
    }

    public static Scenario ScenarioOf(string recipient) => recipient.Trim().ToUpperInvariant() switch
    {
        var name when name.StartsWith("TEST DAMAGED", StringComparison.Ordinal) => Scenario.Damaged,
        var name when name.StartsWith("TEST UNDELIVERABLE", StringComparison.Ordinal) => Scenario.Undeliverable,
        _ => Scenario.Deliver,
    };

    /// <summary>A ZPL label (the format thermal label printers take), with the tracking number as a Code 128 barcode.</summary>
    private static byte[] Label(string trackingNumber, string service, AddressBody to) => Encoding.UTF8.GetBytes($"""
        ^XA
        ^CF0,40^FO40,40^FDSandbox Parcel - {service.ToUpperInvariant()}^FS
        ^CF0,30^FO40,110^FD{to.Name}^FS
        ^FO40,150^FD{to.Line1}^FS
        ^FO40,190^FD{to.Line2}^FS
        ^FO40,230^FD{to.PostalCode} {to.City}^FS
        ^FO40,270^FD{to.CountryCode}^FS
        ^FO40,340^BY3^BCN,120,Y,N,N^FD{trackingNumber}^FS
        ^XZ
        """);

    private static CarrierError NoSuchShipment(string id) => new(404, "no_such_shipment", $"No shipment {id}.");

    private static string NewTrackingNumber() => $"SBX{RandomNumberGenerator.GetInt32(100_000_000, 999_999_999)}{RandomNumberGenerator.GetInt32(1000, 9999)}DE";

    private static string NewId(string prefix) => $"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";
}
