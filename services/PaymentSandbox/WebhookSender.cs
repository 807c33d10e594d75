using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace ECommerce.PaymentSandbox;

/// <summary>
/// Sends signed webhooks for outcomes the caller may not have heard (a slow or a lost answer). The signature
/// header is <c>Sandbox-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;</c>; a delivery
/// that is not answered 2xx is tried again, so receivers must expect duplicates.
/// </summary>
internal sealed class WebhookSender(SandboxOptions options, IHttpClientFactory http, TimeProvider clock, ILogger<WebhookSender> logger) : BackgroundService
{
    public const string HttpClientName = "webhooks";
    public const string SignatureHeader = "Sandbox-Signature";

    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();

    public void Enqueue(string type, Authorization authorization)
    {
        if (string.IsNullOrEmpty(options.WebhookUrl))
        {
            return;
        }
        var body = JsonSerializer.Serialize(new
        {
            id = $"evt_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}",
            type,
            created = clock.GetUtcNow().ToUnixTimeSeconds(),
            data = authorization.ToJson(),
        });
        _queue.Writer.TryWrite(body);
    }

    public static string Sign(string secret, long timestamp, string body) =>
        $"t={timestamp},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")))}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var body in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            _ = DeliverAsync(body, stoppingToken);
        }
    }

    private async Task DeliverAsync(string body, CancellationToken stoppingToken)
    {
        var client = http.CreateClient(HttpClientName);
        for (var attempt = 1; attempt <= 6 && !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, options.WebhookUrl)
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                    // The shop's services speak cleartext HTTP/2 only.
                    Version = HttpVersion.Version20,
                    VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                };
                request.Headers.Add(SignatureHeader, Sign(options.WebhookSecret, clock.GetUtcNow().ToUnixTimeSeconds(), body));
                using var response = await client.SendAsync(request, stoppingToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
                logger.LogWarning("Webhook delivery attempt {Attempt} answered {Status}", attempt, (int)response.StatusCode);
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Webhook delivery attempt {Attempt} failed: {Reason}", attempt, error.Message);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt)), stoppingToken);
        }
    }
}
