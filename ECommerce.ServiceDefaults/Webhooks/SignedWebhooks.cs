using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ECommerce.ServiceDefaults.Webhooks;

/// <summary>
/// Receiving a webhook from an outside company (the payment provider, the carrier): its body is read within a size
/// limit, and it counts only with a valid signature made within the replay window (<see cref="WebhookSignature"/>).
/// </summary>
public static class SignedWebhooks
{
    /// <summary>The body of a delivery that passes, or the response refusing it: 413 when too large, 400 naming what is wrong with its signature.</summary>
    public static async Task<(string? Body, IResult? Refusal)> ReadAsync(HttpRequest request, string signatureHeader, string secret, TimeSpan tolerance,
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

    /// <summary>The answer to a signed delivery that is not in the sender's documented shape: it would fail the same way on every retry.</summary>
    public static IResult Unreadable(ILogger logger, Exception error)
    {
        logger.LogWarning("A signed webhook could not be read: {Reason}", error.Message);
        return Results.Json(new { error = "unreadable" }, statusCode: StatusCodes.Status400BadRequest);
    }
}
