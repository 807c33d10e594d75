using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using static ECommerce.Payment.Tests.PaymentShop;

namespace ECommerce.Payment.Tests;

/// <summary>The provider's webhooks: signed, within the replay window, handled once per event.</summary>
public sealed class WebhookTests(PaymentTestEnvironment shop)
{
    [Fact]
    public async Task A_signed_webhook_settles_a_pending_payment_once_however_often_it_is_delivered()
    {
        var (paymentId, authorization) = await PendingPaymentAuthorizedAtProviderAsync();
        var body = Event(authorization);

        var first = await DeliverAsync(body, Sign(body, DateTimeOffset.UtcNow));
        var duplicate = await DeliverAsync(body, Sign(body, DateTimeOffset.UtcNow));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first, duplicate));
        Assert.Equal("authorized", await shop.Shop.QueryAsync<string>("SELECT status FROM payments WHERE payment_id = $1", paymentId));
        Assert.Equal(1L, await shop.Shop.QueryAsync<long>("SELECT count(*) FROM payment_ledger WHERE payment_id = $1 AND entry = 'webhook'", paymentId));
        Assert.Equal(1L, await shop.Shop.QueryAsync<long>("SELECT count(*) FROM outbox_events WHERE event_type = 'ecommerce.events.v1.PaymentAuthorized' AND payload IS NOT NULL AND event_key = $1",
            await shop.Shop.QueryAsync<string>("SELECT order_id FROM payments WHERE payment_id = $1", paymentId)));
    }

    [Fact]
    public async Task A_webhook_with_a_bad_signature_or_an_old_or_future_timestamp_changes_nothing()
    {
        var (paymentId, authorization) = await PendingPaymentAuthorizedAtProviderAsync();
        var body = Event(authorization);
        var signed = Sign(body, DateTimeOffset.UtcNow);

        var tampered = await DeliverAsync(body.Replace("\"authorized\"", "\"captured\""), signed);
        var wrongKey = await DeliverAsync(body, Sign(body, DateTimeOffset.UtcNow, secret: "not the secret"));
        var unsigned = await DeliverAsync(body, null);
        var replayedLater = await DeliverAsync(body, Sign(body, DateTimeOffset.UtcNow.AddMinutes(-6)));
        var fromTheFuture = await DeliverAsync(body, Sign(body, DateTimeOffset.UtcNow.AddMinutes(6)));

        Assert.All([tampered, wrongKey, unsigned, replayedLater, fromTheFuture], status => Assert.Equal(HttpStatusCode.BadRequest, status));
        Assert.Equal("pending", await shop.Shop.QueryAsync<string>("SELECT status FROM payments WHERE payment_id = $1", paymentId));
    }

    [Fact]
    public async Task A_signed_webhook_not_in_the_providers_shape_or_too_large_is_refused_with_a_4xx()
    {
        const string notAnEvent = "{\"id\": \"evt_1\"}";
        var oversized = new string(' ', 64 * 1024) + "{}";

        var unreadable = await DeliverAsync(notAnEvent, Sign(notAnEvent, DateTimeOffset.UtcNow));
        var notJson = await DeliverAsync("<xml/>", Sign("<xml/>", DateTimeOffset.UtcNow));
        var tooLarge = await DeliverAsync(oversized, Sign(oversized, DateTimeOffset.UtcNow));

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge), (unreadable, notJson, tooLarge));
    }

    /// <summary>
    /// What a lost answer leaves behind, made directly: the shop's payment pending, the provider's authorization approved.
    /// </summary>
    private async Task<(Guid PaymentId, JsonElement Authorization)> PendingPaymentAuthorizedAtProviderAsync()
    {
        var paymentId = Guid.CreateVersion7();
        var key = NewKey();
        var token = await shop.Shop.Sandbox.TokeniseAsync(ApprovedCard);
        await using (var connection = new NpgsqlConnection(shop.Shop.DatabaseConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand("""
                INSERT INTO payments (payment_id, idempotency_key, request_fingerprint, order_id, user_id, currency, amount_minor, status, created_at, updated_at)
                VALUES ($1, $2, 'test', $3, $4, 'EUR', 2500, 'pending', now(), now())
                """, connection)
            {
                Parameters = { new() { Value = paymentId }, new() { Value = key }, new() { Value = $"order-{Guid.NewGuid():N}" }, new() { Value = shop.CustomerId } },
            };
            await insert.ExecuteNonQueryAsync();
        }
        using var response = await shop.Shop.Sandbox.PostAsync("/v1/authorizations",
            new { payment_method = token, amount = 2500, currency = "eur", reference = paymentId.ToString() }, key);
        response.EnsureSuccessStatusCode();
        return (paymentId, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static string Event(JsonElement authorization) => JsonSerializer.Serialize(new
    {
        id = $"evt_{Guid.NewGuid():N}",
        type = "authorization.succeeded",
        created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        data = authorization,
    });

    private string Sign(string body, DateTimeOffset at, string? secret = null)
    {
        var timestamp = at.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret ?? shop.Shop.WebhookSecret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    private async Task<HttpStatusCode> DeliverAsync(string body, string? signature)
    {
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(shop.Shop.Process.Address, "/webhooks/payment-provider"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (signature is not null)
        {
            request.Headers.Add("Sandbox-Signature", signature);
        }
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
