using System.Net.Sockets;
using ECommerce.Grpc;
using ECommerce.Grpc.InProcess;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.ServiceDiscovery;

namespace ECommerce.ServiceDefaults.Discovery;

/// <summary>
/// Service discovery for calls inside the mesh: <c>Microsoft.Extensions.ServiceDiscovery</c> reads the
/// addresses Aspire publishes (<c>services__catalog__grpc__0=http://127.0.0.1:5001</c>), so a client asks
/// for <c>http://_grpc.catalog</c>. In the monolith, siblings are published as <c>inproc://catalog</c>;
/// those resolve to the sibling's name and the connection goes through the process's <see cref="InProcessNetwork"/>.
/// </summary>
public static class MeshDiscoveryExtensions
{
    /// <summary>The address a client of <paramref name="serviceName"/> asks discovery for.</summary>
    public static Uri ServiceAddress(string serviceName, string endpointName = "grpc") => new($"http://_{endpointName}.{serviceName}");

    /// <summary>Registers discovery once; every HttpClient from the factory (gRPC clients included) resolves through it.</summary>
    public static IServiceCollection AddMeshServiceDiscovery(this IServiceCollection services)
    {
        if (services.Any(descriptor => descriptor.ServiceType == typeof(InProcessEndpoints)))
        {
            return services;
        }
        services.AddSingleton<InProcessEndpoints>();
        // Providers are asked in registration order; the configuration provider would drop inproc:// addresses
        // (a client asks for http), so ours answers first for them and leaves every other address to it.
        services.AddSingleton<IServiceEndpointProviderFactory>(provider => provider.GetRequiredService<InProcessEndpoints>());
        services.AddServiceDiscovery();
        services.ConfigureHttpClientDefaults(http => http.AddServiceDiscovery());
        return services;
    }

    /// <summary>
    /// The handler under every mesh client: HTTP/2 connections kept alive and spread over several
    /// connections when busy, and, in the monolith, connections to siblings through in-memory pipes.
    /// </summary>
    public static SocketsHttpHandler CreateMeshHandler(IServiceProvider provider, ECommerceGrpcClientOptions options)
    {
        var handler = options.CreateHttpHandler();
        var inProcess = provider.GetService<InProcessNetwork>();
        if (inProcess is not null)
        {
            var siblings = provider.GetRequiredService<InProcessEndpoints>();
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                if (siblings.IsInProcess(context.DnsEndPoint.Host))
                {
                    return inProcess.Connect(context.DnsEndPoint.Host);
                }
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        return handler;
    }
}

/// <summary>
/// Answers discovery for services published at an <c>inproc://&lt;name&gt;</c> address: the endpoint is
/// <c>&lt;name&gt;</c> itself, which the mesh handler then connects to in memory.
/// </summary>
internal sealed class InProcessEndpoints(IConfiguration configuration) : IServiceEndpointProviderFactory
{
    private const string Section = "services";

    /// <summary>Whether <paramref name="host"/> is the name of a sibling reached in memory.</summary>
    public bool IsInProcess(string host) =>
        configuration.GetSection(Section).GetChildren()
            .SelectMany(service => service.GetChildren())
            .SelectMany(endpoint => endpoint.GetChildren())
            .Any(address => InProcessName(address.Value) == host);

    public bool TryCreateProvider(ServiceEndpointQuery query, out IServiceEndpointProvider provider)
    {
        var endpoints = configuration.GetSection($"{Section}:{query.ServiceName}:{query.EndpointName ?? "grpc"}").GetChildren();
        var name = endpoints.Select(address => InProcessName(address.Value)).FirstOrDefault(name => name is not null);
        provider = name is null ? null! : new Provider(name);
        return name is not null;
    }

    private static string? InProcessName(string? address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme == InProcessNetwork.Scheme ? uri.Host : null;

    private sealed class Provider(string name) : IServiceEndpointProvider
    {
        public ValueTask PopulateAsync(IServiceEndpointBuilder endpoints, CancellationToken cancellationToken)
        {
            endpoints.Endpoints.Add(ServiceEndpoint.Create(new System.Net.DnsEndPoint(name, 0)));
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
