using ECommerce.Payment.Payments;
using ECommerce.Payment.Provider;
using ECommerce.ServiceDefaults.Webhooks;

namespace ECommerce.Payment.Webhooks;

/// <summary>
/// The provider's webhooks: <c>POST /webhooks/payment-provider</c>. A delivery counts only with a valid
/// signature (<c>Sandbox-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")</c>) made within the replay window,
/// and only once per event id; it settles a payment still pending (a slow or lost answer).
/// </summary>
internal static class WebhookEndpoint
{
    public const string Path = "/webhooks/payment-provider";
    public const string SignatureHeader = "Sandbox-Signature";
    private const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapProviderWebhooks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, ReceiveAsync);
        return endpoints;
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, ProviderOptions options, PaymentKeeper payments, TimeProvider clock,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(WebhookEndpoint));
        var (delivery, refusal) = await SignedWebhooks.ReadEventAsync(request, SignatureHeader, options.WebhookSecret, options.WebhookTolerance,
            clock.GetUtcNow(), MaxBodyBytes, SandboxProvider.Parse, logger, cancellationToken);
        if (delivery is not { Id: var eventId, Type: var type, Data: var record })
        {
            return refusal!;
        }
        if (!Guid.TryParse(record.Reference, out var paymentId) || !PaymentRules.IsKnownProviderStatus(record.Status))
        {
            // Not ours to settle (another system's payment, or a state we do not know): acknowledged, reconciliation reports it.
            logger.LogWarning("Webhook {EventId} ({Type}) names no payment of this shop", eventId, type);
            return Results.Ok();
        }
        await payments.ApplyAsync(paymentId, record, "webhook", "provider", "", eventId, cancellationToken, onlyIfPending: true);
        return Results.Ok();
    }
}
