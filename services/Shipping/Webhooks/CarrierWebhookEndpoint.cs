using System.Text;
using System.Text.Json;
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
        if (request.ContentLength is > MaxBodyBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(cancellationToken);
        switch (WebhookSignature.Verify(request.Headers[SignatureHeader].ToString(), body, options.WebhookSecret, options.WebhookTolerance, clock.GetUtcNow()))
        {
            case WebhookSignature.Check.Invalid:
                logger.LogWarning("Refused a carrier webhook: bad or missing signature");
                return Results.Json(new { error = "invalid_signature" }, statusCode: StatusCodes.Status400BadRequest);
            case WebhookSignature.Check.OutsideWindow:
                logger.LogWarning("Refused a carrier webhook: its timestamp is outside the replay window");
                return Results.Json(new { error = "timestamp_outside_window" }, statusCode: StatusCodes.Status400BadRequest);
        }

        string eventId;
        CarrierParcel record;
        try
        {
            using var document = JsonDocument.Parse(body);
            eventId = document.RootElement.GetProperty("id").GetString()!;
            record = SandboxCarrier.Parse(document.RootElement.GetProperty("data"));
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentNullException)
        {
            // Signed by the carrier, yet not in its documented shape: it would fail the same way on every retry.
            logger.LogWarning("A signed carrier webhook could not be read: {Reason}", error.Message);
            return Results.Json(new { error = "unreadable" }, statusCode: StatusCodes.Status400BadRequest);
        }
        if (!Guid.TryParse(record.Reference, out var shipmentId) || await shipments.ApplyAsync(shipmentId, record, eventId, cancellationToken) is null)
        {
            // Not a shipment of this shop: acknowledged, so the carrier stops sending it.
            logger.LogWarning("Carrier webhook {EventId} names no shipment of this shop (reference {Reference})", eventId, record.Reference);
        }
        return Results.Ok();
    }
}
