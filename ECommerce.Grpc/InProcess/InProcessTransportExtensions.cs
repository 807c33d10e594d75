using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ECommerce.Grpc.InProcess;

public static class InProcessTransportExtensions
{
    /// <summary>
    /// Joins this host to <paramref name="network"/>: its Kestrel can listen there (next to its TCP endpoints)
    /// and its gRPC clients follow <c>inproc://</c> addresses there.
    /// </summary>
    public static IServiceCollection AddInProcessTransport(this IServiceCollection services, InProcessNetwork network)
    {
        services.AddSingleton(network);
        // Kestrel asks each transport whether it binds an endpoint; sockets keep IP endpoints.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectionListenerFactory, InProcessTransportFactory>());
        return services;
    }

    /// <summary>Listens on the in-process network as <paramref name="name"/>, speaking gRPC's HTTP/2.</summary>
    public static KestrelServerOptions ListenInProcess(this KestrelServerOptions kestrel, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        kestrel.Listen(new InProcessEndPoint(name), listen => listen.Protocols = HttpProtocols.Http2);
        return kestrel;
    }

    /// <summary>The SocketsHttpHandler settings a channel needs to reach <paramref name="network"/>.</summary>
    internal static SocketsHttpHandler ConnectThrough(this SocketsHttpHandler handler, InProcessNetwork network)
    {
        // The channel's address is http://<name>, so the "host" HttpClient connects to is the server's name.
        handler.ConnectCallback = (context, _) => ValueTask.FromResult(network.Connect(context.DnsEndPoint.Host));
        return handler;
    }

    private sealed class InProcessTransportFactory(InProcessNetwork network) : IConnectionListenerFactory, IConnectionListenerFactorySelector
    {
        public bool CanBind(System.Net.EndPoint endpoint) => endpoint is InProcessEndPoint;

        public ValueTask<IConnectionListener> BindAsync(System.Net.EndPoint endpoint, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(network.Bind((InProcessEndPoint)endpoint));
    }
}
