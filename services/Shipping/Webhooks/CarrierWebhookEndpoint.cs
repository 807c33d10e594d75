using ECommerce.ServiceDefaults.Webhooks;

namespace ECommerce.Shipping.Webhooks;

/// <summary>
/// The carrier's tracking webhooks: <c>POST /webhooks/carrier</c>. A delivery counts only with a valid signature
/// (<c>Carrier-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")</c>) made within the replay window, and only once per
/// event id. Each carries the parcel's whole record, which the shipment is brought to (<see cref="ShipmentKeeper.ApplyAsync"/>).
/// </summary>
internal static class CarrierWebhookEndpoint
{
    public const string Path = "/webhooks/carrier";
    public const string SignatureHeader = "Carrier-Signature";
    private const int MaxBodyBytes = 256 * 1024;

    public static IEndpointRouteBuilder MapCarrierWebhooks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, ReceiveAsync);
        return endpoints;
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, CarrierOptions options, ShipmentKeeper shipments, TimeProvider clock,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(CarrierWebhookEndpoint));
        var (delivery, refusal) = await SignedWebhooks.ReadEventAsync(request, SignatureHeader, options.WebhookSecret, options.WebhookTolerance,
            clock.GetUtcNow(), MaxBodyBytes, SandboxCarrier.Parse, logger, cancellationToken);
        if (delivery is not { Id: var eventId, Data: var record })
        {
            return refusal!;
        }
        if (!Guid.TryParse(record.Reference, out var shipmentId) || await shipments.ApplyAsync(shipmentId, record, eventId, cancellationToken) is null)
        {
            // Not a shipment of this shop: acknowledged, so the carrier stops sending it.
            logger.LogWarning("Carrier webhook {EventId} names no shipment of this shop (reference {Reference})", eventId, record.Reference);
        }
        return Results.Ok();
    }
}
