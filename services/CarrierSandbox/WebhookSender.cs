using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace ECommerce.CarrierSandbox;

/// <summary>
/// Reports every move of a parcel as a signed webhook carrying the parcel's whole state (its tracking so far and
/// its return), so one delivery also heals any that went missing. The signature header is
/// <c>Carrier-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;</c>. Deliveries go out one
/// at a time in the order the moves happened; one not answered 2xx is tried again (so receivers see duplicates),
/// and after the last attempt it is dropped, as carriers do: the shipper can always read the parcel.
/// </summary>
internal sealed class WebhookSender(SandboxOptions options, IHttpClientFactory http, TimeProvider clock, ILogger<WebhookSender> logger) : BackgroundService
{
    public const string HttpClientName = "webhooks";
    public const string SignatureHeader = "Carrier-Signature";
    private const int Attempts = 6;

    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Called under the store's lock, so the body is the parcel exactly as this move left it.</summary>
    public void Enqueue(string type, Parcel parcel)
    {
        if (string.IsNullOrEmpty(options.WebhookUrl))
        {
            return;
        }
        _queue.Writer.TryWrite(JsonSerializer.Serialize(new
        {
            id = $"evt_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}",
            type,
            created = clock.GetUtcNow().ToUnixTimeSeconds(),
            data = parcel.ToJson(withLabels: false),
        }));
    }

    public static string Sign(string secret, long timestamp, string body) =>
        $"t={timestamp},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")))}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var client = http.CreateClient(HttpClientName);
        await foreach (var body in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            await DeliverAsync(client, body, stoppingToken);
        }
    }

    private async Task DeliverAsync(HttpClient client, string body, CancellationToken stoppingToken)
    {
        for (var attempt = 1; attempt <= Attempts; attempt++)
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
        logger.LogWarning("Webhook dropped after {Attempts} attempts", Attempts);
    }
}
