using System.Collections.Concurrent;
using ECommerce.Grpc.InProcess;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ECommerce.Grpc;

/// <summary>
/// Holds one channel per logical service, shared by every client of that service. A channel owns its
/// HTTP/2 connections, so creating one per call or per client would re-open connections all the time.
/// </summary>
public sealed class GrpcChannelFactory : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<GrpcChannel>> _channels = new(StringComparer.Ordinal);
    private readonly IConfiguration _configuration;
    private readonly IOptionsMonitor<ECommerceGrpcClientOptions> _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly InProcessNetwork? _inProcess;

    /// <param name="inProcess">Set when this host shares a process with the services it calls (the monolith).</param>
    public GrpcChannelFactory(IConfiguration configuration, IOptionsMonitor<ECommerceGrpcClientOptions> options, ILoggerFactory loggerFactory,
        InProcessNetwork? inProcess = null)
    {
        _configuration = configuration;
        _options = options;
        _loggerFactory = loggerFactory;
        _inProcess = inProcess;
    }

    /// <summary>The channel to <paramref name="serviceName"/>, created on first use.</summary>
    public GrpcChannel GetChannel(string serviceName) =>
        _channels.GetOrAdd(serviceName, name => new Lazy<GrpcChannel>(() => CreateChannel(name))).Value;

    public void Dispose()
    {
        foreach (var channel in _channels.Values.Where(channel => channel.IsValueCreated))
        {
            channel.Value.Dispose();
        }
    }

    private GrpcChannel CreateChannel(string serviceName)
    {
        var options = _options.Get(serviceName);
        var addresses = ServiceAddresses.Resolve(_configuration, serviceName, options.EndpointName);
        var handler = options.CreateHttpHandler();
        var channelOptions = new GrpcChannelOptions
        {
            HttpHandler = handler,
            ServiceConfig = CreateServiceConfig(options),
            LoggerFactory = _loggerFactory,
            MaxReceiveMessageSize = GrpcServerExtensions.MaxReceiveMessageSize,
            MaxReconnectBackoff = options.MaxReconnectBackoff,
        };

        if (addresses.Any(address => address.Scheme == InProcessNetwork.Scheme))
        {
            // One server in this very process: the same HTTP/2, over in-memory pipes instead of a socket.
            if (addresses.Count != 1 || _inProcess is null)
            {
                throw new InvalidOperationException(addresses.Count != 1
                    ? $"gRPC service '{serviceName}' has an {InProcessNetwork.Scheme}:// address among others; an in-process service has exactly one."
                    : $"gRPC service '{serviceName}' has the in-process address {addresses[0]}, but this host has no in-process network (AddInProcessTransport).");
            }
            handler.ConnectThrough(_inProcess);
            // One server, no connectivity to track: grpc-dotnet's balancers need a plain socket handler.
            channelOptions.ServiceConfig.LoadBalancingConfigs.Clear();
            // Bytes between pipes cost nothing to move; compressing them would only cost CPU on both ends.
            channelOptions.CompressionProviders = [];
            return GrpcChannel.ForAddress($"http://{addresses[0].Host}", channelOptions);
        }

        if (addresses.Count == 1)
        {
            return GrpcChannel.ForAddress(addresses[0], channelOptions);
        }

        // Several addresses: grpc-dotnet's static resolver hands them all to the round_robin balancer,
        // which keeps a connection to each and spreads calls over the ones that are up.
        var schemes = addresses.Select(address => address.Scheme).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (schemes.Count != 1)
        {
            throw new InvalidOperationException($"The addresses of gRPC service '{serviceName}' mix schemes ({string.Join(", ", schemes)}).");
        }

        var balancerAddresses = addresses.Select(address => new BalancerAddress(address.Host, address.Port)).ToList();
        channelOptions.Credentials = schemes[0] == Uri.UriSchemeHttps ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure;
        channelOptions.ServiceProvider = new ServiceCollection()
            .AddSingleton<ResolverFactory>(new StaticResolverFactory(_ => balancerAddresses))
            .BuildServiceProvider();
        return GrpcChannel.ForAddress($"static:///{serviceName}", channelOptions);
    }

    private static ServiceConfig CreateServiceConfig(ECommerceGrpcClientOptions options)
    {
        var serviceConfig = new ServiceConfig { LoadBalancingConfigs = { new RoundRobinConfig() } };
        if (options.RetryRules() is { } retry)
        {
            serviceConfig.MethodConfigs.Add(retry);
        }
        return serviceConfig;
    }
}
