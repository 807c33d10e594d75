using System.Net;
using ECommerce.LocalInfrastructure.Processes;

namespace ECommerce.Hosting.Benchmarks;

/// <summary>
/// HTTP clients of the REST edge that stay under its per-client rate limit (300 requests per 10 s per client IP
/// address, GatewayOptions.RateLimiting.PerClient): each client connects from a loopback address of its own (all
/// of 127.0.0.0/8 is loopback on Linux) and is replaced by one on a fresh address after
/// <see cref="RequestsPerAddress"/> requests, so no address ever reaches the limit. The AppHost gives the gateway
/// no per-run options, so the benchmark measures the edge as it ships, rate limiter included.
/// </summary>
/// <param name="timeout">Of each request; 30 s unless a caller expects slower answers (a flash sale's queue).</param>
/// <param name="wrap">Puts a handler of the caller's (one that times each request) in front of each new client's connection.</param>
internal sealed class EdgeClients(Uri edge, TimeSpan? timeout = null, Func<HttpMessageHandler, HttpMessageHandler>? wrap = null) : IDisposable
{
    /// <summary>Below the limit of 300, whatever the window's phase.</summary>
    public const int RequestsPerAddress = 250;

    private static int s_lastAddress = 1; // 127.0.0.1 is everyone's; the first client gets 127.0.0.2

    private readonly Dictionary<int, (HttpClient Client, int Used)> _clients = [];
    private readonly Lock _lock = new();

    public static int AddressesUsed => s_lastAddress - 1;

    /// <summary>The client of one load worker for its next request; a worker uses its client from one task at a time.</summary>
    public HttpClient For(int worker)
    {
        lock (_lock)
        {
            if (_clients.TryGetValue(worker, out var current) && current.Used < RequestsPerAddress)
            {
                _clients[worker] = (current.Client, current.Used + 1);
                return current.Client;
            }
            current.Client?.Dispose();
            var client = Create(NextAddress());
            _clients[worker] = (client, 1);
            return client;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var (client, _) in _clients.Values)
            {
                client.Dispose();
            }
            _clients.Clear();
        }
    }

    /// <summary>127.0.0.2, 127.0.0.3, … 127.0.1.1 …, skipping host parts 0 and 255.</summary>
    private static IPAddress NextAddress()
    {
        while (true)
        {
            var n = Interlocked.Increment(ref s_lastAddress);
            if (n >= 1 << 24)
            {
                throw new InvalidOperationException("127.0.0.0/8 is used up.");
            }
            if ((n & 0xFF) is not (0 or 0xFF))
            {
                return new IPAddress([127, (byte)(n >> 16), (byte)(n >> 8), (byte)n]);
            }
        }
    }

    private HttpClient Create(IPAddress address)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            UseProxy = false,
            UseCookies = false,
            ConnectCallback = (context, cancellationToken) => Loopback.ConnectFromAsync(address, context.DnsEndPoint, cancellationToken),
        };
        return new HttpClient(wrap?.Invoke(handler) ?? handler) { BaseAddress = edge, Timeout = timeout ?? TimeSpan.FromSeconds(30) };
    }
}
