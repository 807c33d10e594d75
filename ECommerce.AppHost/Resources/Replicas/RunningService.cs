using System.Net;
using ECommerce.AppHost.Orchestration;
using ECommerce.LocalInfrastructure.Processes;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace ECommerce.AppHost.Resources.Replicas;

/// <summary>A started service process: healthy when every service it hosts answers grpc.health.v1 with SERVING.</summary>
internal sealed class RunningService : IRunningReplica
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(25);

    private readonly ChildProcess _process;
    private readonly IReadOnlyList<GrpcChannel> _healthChannels;

    /// <param name="grpcUrls">The "grpc" endpoint of each service the process hosts.</param>
    public RunningService(ChildProcess process, IReadOnlyList<ResourceEndpoint> endpoints, IEnumerable<string> grpcUrls)
    {
        _process = process;
        Endpoints = endpoints;
        _healthChannels = grpcUrls.Select(ProbeChannel).ToList();
    }

    /// <summary>
    /// A probe must see the service as it is now. grpc-dotnet's own connection management remembers a failed
    /// connect and backs off before the next (up to two minutes by default), and a replica slow to start
    /// listening on a busy machine was then still "refusing connections" long after it listened. With a
    /// ConnectCallback of ours grpc-dotnet leaves connections to HttpClient's pool instead: a probe that finds
    /// no open connection simply opens one.
    /// </summary>
    private static GrpcChannel ProbeChannel(string url) => GrpcChannel.ForAddress(url, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            ConnectCallback = (context, cancellationToken) => Loopback.ConnectFromAsync(IPAddress.Loopback, context.DnsEndPoint, cancellationToken),
        },
    });

    public int? ProcessId => _process.Id;
    public string? LogFile => _process.LogFile;
    public IReadOnlyList<ResourceEndpoint> Endpoints { get; }
    public Task Exited => _process.Exited;
    public string? LastProbeFailure { get; private set; }

    /// <summary>grpc.health.v1 Check of service "": every health check of the service passes.</summary>
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        var checks = await Task.WhenAll(_healthChannels.Select(channel => IsServingAsync(channel, cancellationToken)));
        return checks.All(serving => serving);
    }

    private async Task<bool> IsServingAsync(GrpcChannel channel, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(),
                deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken);
            if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                return true;
            }
            LastProbeFailure = $"{channel.Target} answered {reply.Status}";
            return false;
        }
        catch (RpcException error)
        {
            // The innermost cause ("Connection refused", "HTTP_1_1_REQUIRED") says the most in the fewest words.
            var cause = error.Status.DebugException?.GetBaseException().Message ?? error.Status.Detail;
            LastProbeFailure = $"{channel.Target} answered {error.StatusCode}: {cause}";
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // SIGTERM lets the service finish the calls it is serving (its host's shutdown timeout is shorter).
        await _process.StopAsync(timeout: StopTimeout);
        await _process.DisposeAsync();
        foreach (var channel in _healthChannels)
        {
            channel.Dispose();
        }
    }
}
