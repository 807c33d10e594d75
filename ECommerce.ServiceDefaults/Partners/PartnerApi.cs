using System.Net.Http.Json;
using System.Text.Json;

namespace ECommerce.ServiceDefaults.Partners;

/// <summary>
/// Calls to a partner's JSON API (the payment provider, the carrier) in the shape such APIs share: snake_case bodies,
/// an <c>Idempotency-Key</c> header on writes, and errors as <c>{"error": {"code", "message"}}</c>. Every answer
/// becomes the body, a <see cref="PartnerRefusedException"/> (4xx: the partner said no) or a
/// <see cref="PartnerUnavailableException"/> (no answer, a timeout or a 5xx: the outcome is unknown).
/// </summary>
public static class PartnerApi
{
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>The partners' JSON: snake_case names, as Stripe-like APIs write them.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <param name="partner">Who answers, for the exceptions' messages ("the provider", "the carrier").</param>
    public static async Task<T> SendAsync<T>(HttpClient http, string partner, HttpMethod method, string path, string? idempotencyKey, object? body,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (idempotencyKey is not null)
        {
            request.Headers.Add(IdempotencyHeader, idempotencyKey);
        }
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception error) when (error is HttpRequestException || (error is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new PartnerUnavailableException($"No answer from {partner} to {method} {request.RequestUri?.AbsolutePath}: {error.GetBaseException().Message}", error);
        }
        using (response)
        {
            if ((int)response.StatusCode >= 500)
            {
                throw new PartnerUnavailableException($"{char.ToUpperInvariant(partner[0])}{partner[1..]} answered {(int)response.StatusCode} to {method} {request.RequestUri?.AbsolutePath}.");
            }
            if (!response.IsSuccessStatusCode)
            {
                var error = (await ReadErrorAsync(response, cancellationToken))?.Error;
                throw new PartnerRefusedException(error?.Code ?? "unknown", error?.Message ?? $"HTTP {(int)response.StatusCode}");
            }
            return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!;
        }
    }

    // A 4xx from a proxy in front of the partner is not in the partner's error shape: its status still says no.
    private static async Task<ErrorBody?> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<ErrorBody>(Json, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record ErrorBody(ErrorDetail? Error);

    private sealed record ErrorDetail(string Code, string Message);
}

/// <summary>No usable answer from a partner: unreachable, timed out or a 5xx. The request may have taken effect; repeat it under its idempotency key.</summary>
public sealed class PartnerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The partner refused the request itself (4xx), with its error code, e.g. "amount_too_large", "invalid_state".</summary>
public sealed class PartnerRefusedException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
