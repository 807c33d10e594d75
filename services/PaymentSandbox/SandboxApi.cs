using System.Security.Cryptography;
using System.Text;

namespace ECommerce.PaymentSandbox;

internal sealed record TokeniseRequest(string? Number, int ExpMonth, int ExpYear, string? Cvc);

internal sealed record AuthorizeBody(string? PaymentMethod, long Amount, string? Currency, string? Reference);

internal sealed record AmountBody(long? Amount);

/// <summary>
/// The provider's HTTP API, in the common shape of card processors: JSON, snake_case, amounts in minor units,
/// an <c>Idempotency-Key</c> header on writes, <c>Authorization: Bearer &lt;api key&gt;</c>, errors as
/// <c>{"error": {"code", "message"}}</c>.
/// </summary>
internal static class SandboxApi
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public static void MapSandboxApi(this WebApplication app)
    {
        var api = app.MapGroup("/v1").AddEndpointFilter(async (context, next) =>
        {
            var options = context.HttpContext.RequestServices.GetRequiredService<SandboxOptions>();
            var presented = context.HttpContext.Request.Headers.Authorization.ToString();
            if (options.ApiKey.Length == 0 || !FixedTimeEquals(presented, $"Bearer {options.ApiKey}"))
            {
                return Error(new SandboxError(401, "invalid_api_key", "Authorization: Bearer <api key> is missing or wrong."));
            }
            if (options.LatencyMs > 0)
            {
                await Task.Delay(options.LatencyMs, context.HttpContext.RequestAborted);
            }
            return await next(context);
        });

        // The only place a card number is ever accepted; it is checked, reduced to brand and last four, and dropped.
        api.MapPost("/payment_methods", (TokeniseRequest body, SandboxStore store) =>
        {
            var number = new string((body.Number ?? "").Where(c => c != ' ' && c != '-').ToArray());
            if (!TestCards.PassesLuhn(number))
            {
                return Error(new SandboxError(400, "invalid_number", "The card number is not a valid card number."));
            }
            if (body.ExpMonth is < 1 or > 12 || body.ExpYear is < 2000 or > 2100)
            {
                return Error(new SandboxError(400, "invalid_expiry", "exp_month must be 1-12 and exp_year a four-digit year."));
            }
            if (body.Cvc is not { Length: 3 or 4 } cvc || !cvc.All(char.IsAsciiDigit))
            {
                return Error(new SandboxError(400, "invalid_cvc", "The CVC must be 3 or 4 digits."));
            }
            var method = store.Tokenise(number);
            return Results.Json(new { id = method.Id, @object = "payment_method", brand = method.Brand, last4 = method.Last4 });
        });

        api.MapPost("/authorizations", async (HttpContext http, AuthorizeBody body, SandboxStore store, WebhookSender webhooks, SandboxOptions options) =>
        {
            var key = http.Request.Headers[IdempotencyHeader].ToString();
            if (key.Length is 0 or > 255)
            {
                return Error(new SandboxError(400, "idempotency_key_required", $"{IdempotencyHeader} is required (at most 255 characters)."));
            }
            if (body.Amount <= 0 || body.Currency is not { Length: 3 } || string.IsNullOrEmpty(body.PaymentMethod))
            {
                return Error(new SandboxError(400, "invalid_request", "payment_method, a positive amount and a three-letter currency are required."));
            }
            var (authorization, created, error) = store.Authorize(key, body.PaymentMethod, body.Amount, body.Currency.ToLowerInvariant(), body.Reference ?? "");
            if (error is not null)
            {
                return Error(error);
            }
            if (created && authorization!.PaymentMethod.Behaviour is CardBehaviour.SlowAnswer or CardBehaviour.AnswerLost)
            {
                webhooks.Enqueue("authorization.succeeded", authorization);
                if (authorization.PaymentMethod.Behaviour == CardBehaviour.AnswerLost)
                {
                    // Approved and recorded, but the answer never reaches the caller.
                    http.Abort();
                    return Results.Empty;
                }
                await Task.Delay(options.SlowAnswerMs, http.RequestAborted);
            }
            return Results.Json(authorization!.ToJson());
        });

        api.MapGet("/authorizations", (string? idempotency_key, string? reference, SandboxStore store) =>
        {
            var found = idempotency_key is not null
                ? store.FindByKey(idempotency_key) is { } one ? [one] : []
                : store.List(reference);
            return Results.Json(new { @object = "list", data = found.Select(authorization => authorization.ToJson()) });
        });

        api.MapGet("/authorizations/{id}", (string id, SandboxStore store) =>
            store.Find(id) is { } authorization ? Results.Json(authorization.ToJson()) : Error(new SandboxError(404, "no_such_authorization", $"No authorization {id}.")));

        api.MapPost("/authorizations/{id}/capture", (HttpContext http, string id, AmountBody? body, SandboxStore store) =>
            Answer(store.Capture(id, body?.Amount, OptionalKey(http))));

        api.MapPost("/authorizations/{id}/void", (HttpContext http, string id, SandboxStore store) =>
            Answer(store.Void(id, OptionalKey(http))));

        api.MapPost("/authorizations/{id}/refunds", (HttpContext http, string id, AmountBody body, SandboxStore store) =>
        {
            var key = OptionalKey(http);
            return key is null
                ? Error(new SandboxError(400, "idempotency_key_required", $"{IdempotencyHeader} is required for refunds."))
                : body.Amount is not { } amount
                    ? Error(new SandboxError(400, "invalid_request", "amount is required."))
                    : Answer(store.Refund(id, amount, key));
        });
    }

    private static string? OptionalKey(HttpContext http) =>
        http.Request.Headers[IdempotencyHeader].ToString() is { Length: > 0 } key ? key : null;

    private static IResult Answer((Authorization? Authorization, SandboxError? Error) result) =>
        result.Error is { } error ? Error(error) : Results.Json(result.Authorization!.ToJson());

    private static IResult Error(SandboxError error) =>
        Results.Json(new { error = new { code = error.Code, message = error.Message } }, statusCode: error.Status);

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}
