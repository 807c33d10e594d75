using System.Net;
using ECommerce.LocalInfrastructure.Processes;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ECommerce.AppHost.Services;

/// <summary>grpc.health.v1 Check of service "" (every health check of the service passes) on each endpoint; the URLs are read when it runs, once allocated.</summary>
public sealed class GrpcHealthCheck(Func<IEnumerable<string>> urls) : IHealthCheck
{
    /// <summary>
    /// A probe must see the service as it is now. grpc-dotnet's own connection management remembers a failed connect
    /// and backs off before the next (up to two minutes), so a service slow to start listening would stay "refusing
    /// connections" long after it listens. With a ConnectCallback of ours grpc-dotnet leaves connections to
    /// HttpClient's pool instead: a probe that finds no open connection simply opens one.
    /// </summary>
    private static readonly SocketsHttpHandler Handler = new()
    {
        ConnectCallback = (context, cancellationToken) => Loopback.ConnectFromAsync(IPAddress.Loopback, context.DnsEndPoint, cancellationToken),
    };

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        foreach (var url in urls())
        {
            using var channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions { HttpHandler = Handler, DisposeHttpClient = false });
            try
            {
                var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(),
                    deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken);
                if (reply.Status != HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return HealthCheckResult.Unhealthy($"{url} answered {reply.Status}");
                }
            }
            catch (RpcException error)
            {
                // The innermost cause ("Connection refused", "HTTP_1_1_REQUIRED") says the most in the fewest words.
                return HealthCheckResult.Unhealthy($"{url} answered {error.StatusCode}: {error.Status.DebugException?.GetBaseException().Message ?? error.Status.Detail}");
            }
        }
        return HealthCheckResult.Healthy();
    }
}
