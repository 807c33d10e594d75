using Grpc.Core;
using Grpc.Net.Client.Configuration;

namespace ECommerce.Grpc;

/// <summary>How the channel to one logical service is built. Configured per service name.</summary>
public sealed class ECommerceGrpcClientOptions
{
    /// <summary>
    /// The endpoint under <c>services:&lt;service&gt;:</c> to read addresses from. When unset, the first of
    /// "grpc", "https" and "http" that has any address is used (Aspire names endpoints after their scheme).
    /// </summary>
    public string? EndpointName { get; set; }

    /// <summary>
    /// Methods that may run twice without harm, retried when they fail with UNAVAILABLE. Each entry is
    /// "package.Service/Method", or "package.Service" for every method of that service.
    /// Methods not listed are never retried: a repeated write could, for example, charge a card twice.
    /// </summary>
    public ISet<string> RetrySafeMethods { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Attempts in total, the first included, for a retry-safe method (grpc-dotnet caps it at 5).</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>How long a connection may sit idle before the ping that checks it is still alive.</summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for a ping's answer before the connection is considered dead.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest wait between attempts to reach a service that is down. gRPC's default grows to two
    /// minutes, so a service restarted after a crash would stay unreachable long after it is back;
    /// inside one deployment a restart takes seconds, so the callers try again every few seconds.
    /// </summary>
    public TimeSpan MaxReconnectBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an unused connection is kept before it is closed.</summary>
    public TimeSpan PooledConnectionIdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>An HTTP/2 handler with these keep-alive and pooling settings; several connections once one is full of streams.</summary>
    public SocketsHttpHandler CreateHttpHandler() => new()
    {
        EnableMultipleHttp2Connections = true,
        KeepAlivePingDelay = KeepAlivePingDelay,
        KeepAlivePingTimeout = KeepAlivePingTimeout,
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
        PooledConnectionIdleTimeout = PooledConnectionIdleTimeout,
    };

    /// <summary>
    /// grpc-dotnet's retry policy for <see cref="RetrySafeMethods"/> (UNAVAILABLE only, backoff 0.1 s to 2 s),
    /// or null when no method is retry-safe.
    /// </summary>
    public MethodConfig? RetryRules()
    {
        if (RetrySafeMethods.Count == 0)
        {
            return null;
        }
        var retry = new MethodConfig
        {
            RetryPolicy = new RetryPolicy
            {
                MaxAttempts = MaxAttempts,
                InitialBackoff = TimeSpan.FromMilliseconds(100),
                MaxBackoff = TimeSpan.FromSeconds(2),
                BackoffMultiplier = 2,
                RetryableStatusCodes = { StatusCode.Unavailable },
            },
        };
        foreach (var method in RetrySafeMethods)
        {
            var parts = method.Trim('/').Split('/');
            retry.Names.Add(parts switch
            {
                [var service] => new MethodName { Service = service },
                [var service, var name] => new MethodName { Service = service, Method = name },
                _ => throw new ArgumentException($"'{method}' is not \"package.Service/Method\" or \"package.Service\"."),
            });
        }
        return retry;
    }
}
