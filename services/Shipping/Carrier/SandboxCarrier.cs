using System.Text.Json;

namespace ECommerce.Shipping.Carrier;

/// <summary>Carrier settings (<c>Shipping:Carrier:…</c>); the AppHost passes the API key and webhook secret from secret parameters.</summary>
internal sealed class CarrierOptions
{
    /// <summary>Resolved by service discovery (<c>services__carrier-sandbox__http__0</c>).</summary>
    public string BaseAddress { get; set; } = "http://_http.carrier-sandbox";

    public string Name { get; set; } = "Sandbox Parcel";

    public string ApiKey { get; set; } = "";

    public string WebhookSecret { get; set; } = "";

    /// <summary>How long one call to the carrier may take before its outcome counts as unknown.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How far a webhook's timestamp may be from now (replay window).</summary>
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>The adapter for the sandbox carrier's HTTP API (services/CarrierSandbox).</summary>
internal sealed class SandboxCarrier(HttpClient http, CarrierOptions options) : ICarrier
{
    public string Name => options.Name;

    public Task<CarrierParcel> CreateAsync(string idempotencyKey, string reference, string service, long weightGrams, Address to, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "v1/shipments", idempotencyKey, new
        {
            reference,
            service,
            weight_grams = weightGrams,
            to = new
            {
                name = to.RecipientName, line1 = to.Line1, line2 = to.Line2, city = to.City, region = to.Region,
                postal_code = to.PostalCode, country_code = to.CountryCode, phone = to.Phone,
            },
        }, cancellationToken);

    public async Task<CarrierParcel?> FindByIdempotencyKeyAsync(string idempotencyKey, CancellationToken cancellationToken) =>
        (await SendAsync<ListBody>(HttpMethod.Get, $"v1/shipments?idempotency_key={Uri.EscapeDataString(idempotencyKey)}", null, null, cancellationToken))
        .Data.Select(Map).FirstOrDefault();

    public Task<CarrierParcel> CancelAsync(string parcelId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"v1/shipments/{Uri.EscapeDataString(parcelId)}/cancel", null, new { }, cancellationToken);

    public Task<CarrierParcel> CreateReturnAsync(string parcelId, string reason, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"v1/shipments/{Uri.EscapeDataString(parcelId)}/returns", null, new { reason }, cancellationToken);

    /// <summary>Reads a parcel as the sandbox writes it (API answers and webhook payloads).</summary>
    public static CarrierParcel Parse(JsonElement element) => Map(element.Deserialize<ParcelBody>(PartnerApi.Json)!);

    private async Task<CarrierParcel> SendAsync(HttpMethod method, string path, string? idempotencyKey, object? body, CancellationToken cancellationToken) =>
        Map(await SendAsync<ParcelBody>(method, path, idempotencyKey, body, cancellationToken));

    private Task<T> SendAsync<T>(HttpMethod method, string path, string? idempotencyKey, object? body, CancellationToken cancellationToken) =>
        PartnerApi.SendAsync<T>(http, "the carrier", method, path, idempotencyKey, body, cancellationToken);

    private static CarrierParcel Map(ParcelBody body) => new(body.Id, body.Reference, body.Status, body.TrackingNumber, body.Label, body.LabelContentType,
        body.Events.Select(Map).ToList(),
        body.Return is { } back ? new CarrierReturn(back.Status, back.TrackingNumber, back.Label, DateTimeOffset.FromUnixTimeSeconds(back.Created), back.Events.Select(Map).ToList()) : null);

    private static CarrierEvent Map(EventBody body) =>
        new(body.Id, body.Status, DateTimeOffset.FromUnixTimeSeconds(body.OccurredAt), body.Location, body.Description);

    private sealed record ParcelBody(string Id, string Reference, string Status, string TrackingNumber, byte[]? Label, string LabelContentType,
        List<EventBody> Events, ReturnBody? Return);

    private sealed record ReturnBody(string Status, string TrackingNumber, byte[]? Label, long Created, List<EventBody> Events);

    private sealed record EventBody(string Id, string Status, long OccurredAt, string Location, string Description);

    private sealed record ListBody(List<ParcelBody> Data);
}
