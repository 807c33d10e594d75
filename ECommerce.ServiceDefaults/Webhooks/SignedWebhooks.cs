using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ECommerce.ServiceDefaults.Webhooks;

/// <summary>
/// Receiving a webhook from an outside company (the payment provider, the carrier): its body is read within a size
/// limit, and it counts only with a valid signature made within the replay window (<see cref="WebhookSignature"/>).
/// Its body is an event envelope, <c>{"id", "type", "data"}</c>, as Stripe-like senders write them.
/// </summary>
public static class SignedWebhooks
{
    /// <summary>
    /// The event of a delivery that passes, or the response refusing it: 413 when too large, 400 naming what is wrong
    /// with its signature, 400 "unreadable" when the signed body is not in the sender's shape (it would fail the same
    /// way on every retry).
    /// </summary>
    /// <param name="readData">Reads the envelope's <c>data</c> as the sender's API writes it; throws when it cannot.</param>
    public static async Task<(WebhookEvent<T>? Event, IResult? Refusal)> ReadEventAsync<T>(HttpRequest request, string signatureHeader, string secret,
        TimeSpan tolerance, DateTimeOffset now, int maxBodyBytes, Func<JsonElement, T> readData, ILogger logger, CancellationToken cancellationToken)
    {
        var (body, refusal) = await ReadAsync(request, signatureHeader, secret, tolerance, now, maxBodyBytes, logger, cancellationToken);
        if (refusal is not null)
        {
            return (null, refusal);
        }
        try
        {
            using var document = JsonDocument.Parse(body!);
            var root = document.RootElement;
            return (new WebhookEvent<T>(root.GetProperty("id").GetString()!, root.GetProperty("type").GetString()!, readData(root.GetProperty("data"))), null);
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentNullException)
        {
            logger.LogWarning("A signed webhook could not be read: {Reason}", error.Message);
            return (null, Results.Json(new { error = "unreadable" }, statusCode: StatusCodes.Status400BadRequest));
        }
    }

    /// <summary>The body of a delivery that passes, or the response refusing it: 413 when too large, 400 naming what is wrong with its signature.</summary>
    private static async Task<(string? Body, IResult? Refusal)> ReadAsync(HttpRequest request, string signatureHeader, string secret, TimeSpan tolerance,
        DateTimeOffset now, int maxBodyBytes, ILogger logger, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBodyBytes)
        {
            return (null, Results.StatusCode(StatusCodes.Status413PayloadTooLarge));
        }
        // A chunked body declares no length: stop reading one byte past the limit.
        var bytes = new byte[maxBodyBytes + 1];
        var length = 0;
        int read;
        while (length < bytes.Length && (read = await request.Body.ReadAsync(bytes.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }
        if (length > maxBodyBytes)
        {
            return (null, Results.StatusCode(StatusCodes.Status413PayloadTooLarge));
        }
        var body = Encoding.UTF8.GetString(bytes, 0, length);
        switch (WebhookSignature.Verify(request.Headers[signatureHeader].ToString(), body, secret, tolerance, now))
        {
            case WebhookSignature.Check.Invalid:
                logger.LogWarning("Refused a webhook on {Path}: bad or missing signature", request.Path);
                return (null, Results.Json(new { error = "invalid_signature" }, statusCode: StatusCodes.Status400BadRequest));
            case WebhookSignature.Check.OutsideWindow:
                logger.LogWarning("Refused a webhook on {Path}: its timestamp is outside the replay window", request.Path);
                return (null, Results.Json(new { error = "timestamp_outside_window" }, statusCode: StatusCodes.Status400BadRequest));
            default:
                return (body, null);
        }
    }
}

/// <summary>A webhook delivery: the sender's event id (deliveries repeat it), its type and its data.</summary>
public sealed record WebhookEvent<T>(string Id, string Type, T Data);
