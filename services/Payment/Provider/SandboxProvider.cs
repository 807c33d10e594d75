using System.Text.Json;
using ECommerce.ServiceDefaults.Partners;

namespace ECommerce.Payment.Provider;

/// <summary>Provider settings (<c>Payment:Provider:…</c>); the AppHost passes the API key and webhook secret from secret parameters.</summary>
internal sealed class ProviderOptions
{
    /// <summary>Resolved by service discovery (<c>services__payment-sandbox__http__0</c>).</summary>
    public string BaseAddress { get; set; } = "http://_http.payment-sandbox";

    public string ApiKey { get; set; } = "";

    public string WebhookSecret { get; set; } = "";

    /// <summary>How long one call to the provider may take before its outcome counts as unknown.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How far a webhook's timestamp may be from now (replay window).</summary>
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>The adapter for the sandbox provider's HTTP API (services/PaymentSandbox).</summary>
internal sealed class SandboxProvider(HttpClient http) : IPaymentProvider
{
    public Task<ProviderAuthorization> AuthorizeAsync(string idempotencyKey, string paymentMethodToken, long amountMinor, string currency, string reference,
        CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "v1/authorizations", idempotencyKey,
            new { payment_method = paymentMethodToken, amount = amountMinor, currency, reference }, cancellationToken);

    public async Task<ProviderAuthorization?> FindByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        var list = await SendAsync<ListBody>(HttpMethod.Get, $"v1/authorizations?idempotency_key={Uri.EscapeDataString(idempotencyKey)}", null, null, cancellationToken);
        return list.Data.Select(Map).FirstOrDefault();
    }

    public async Task<ProviderAuthorization?> GetAsync(string providerRef, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync(HttpMethod.Get, $"v1/authorizations/{Uri.EscapeDataString(providerRef)}", null, null, cancellationToken);
        }
        catch (PartnerRefusedException refused) when (refused.Code == "no_such_authorization")
        {
            return null;
        }
    }

    public Task<ProviderAuthorization> CaptureAsync(string providerRef, long amountMinor, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"v1/authorizations/{Uri.EscapeDataString(providerRef)}/capture", idempotencyKey, new { amount = amountMinor }, cancellationToken);

    public Task<ProviderAuthorization> VoidAsync(string providerRef, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"v1/authorizations/{Uri.EscapeDataString(providerRef)}/void", idempotencyKey, new { }, cancellationToken);

    public Task<ProviderAuthorization> RefundAsync(string providerRef, long amountMinor, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"v1/authorizations/{Uri.EscapeDataString(providerRef)}/refunds", idempotencyKey, new { amount = amountMinor }, cancellationToken);

    public async Task<IReadOnlyList<ProviderAuthorization>> ListAsync(CancellationToken cancellationToken) =>
        (await SendAsync<ListBody>(HttpMethod.Get, "v1/authorizations", null, null, cancellationToken)).Data.Select(Map).ToList();

    /// <summary>Reads an authorization as the sandbox writes it (API answers and webhook payloads).</summary>
    public static ProviderAuthorization Parse(JsonElement element) => Map(element.Deserialize<AuthorizationBody>(PartnerApi.Json)!);

    private async Task<ProviderAuthorization> SendAsync(HttpMethod method, string path, string? idempotencyKey, object? body, CancellationToken cancellationToken) =>
        Map(await SendAsync<AuthorizationBody>(method, path, idempotencyKey, body, cancellationToken));

    private Task<T> SendAsync<T>(HttpMethod method, string path, string? idempotencyKey, object? body, CancellationToken cancellationToken) =>
        PartnerApi.SendAsync<T>(http, "the provider", method, path, idempotencyKey, body, cancellationToken);

    private static ProviderAuthorization Map(AuthorizationBody body) => new(body.Id, body.Status, body.Amount, body.Currency.ToUpperInvariant(),
        body.AmountCaptured, body.AmountRefunded, body.DeclineCode, body.Reference, body.PaymentMethod.Brand, body.PaymentMethod.Last4);

    private sealed record AuthorizationBody(string Id, string Status, long Amount, string Currency, long AmountCaptured, long AmountRefunded,
        string? DeclineCode, string Reference, PaymentMethodBody PaymentMethod);

    private sealed record PaymentMethodBody(string Id, string Brand, string Last4);

    private sealed record ListBody(List<AuthorizationBody> Data);
}
