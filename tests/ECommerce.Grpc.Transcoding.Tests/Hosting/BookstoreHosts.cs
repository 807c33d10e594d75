using System.Net;
using ECommerce.Grpc.Transcoding.Gateway;
using ECommerce.Grpc.Transcoding.InProcess;
using ECommerce.Grpc.Transcoding.OpenApi;
using ECommerce.Grpc.Transcoding.Tests.Bookstore;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ECommerce.Grpc.Transcoding.Tests.Hosting;

/// <summary>
/// Real Kestrel servers on loopback, started once for the whole test run: the Bookstore service with
/// gRPC (h2c) on one port and its own in-process REST routes on another, and a gateway that serves the same
/// REST routes by forwarding over real gRPC to the service.
/// </summary>
public sealed class BookstoreHosts : IAsyncLifetime
{
    private WebApplication? _service;
    private WebApplication? _gateway;
    private GrpcChannel? _channel;

    public Uri GrpcAddress { get; private set; } = null!;
    public HttpClient InProcessRest { get; private set; } = null!;
    public HttpClient GatewayRest { get; private set; } = null!;

    public HttpClient Rest(RestEdge edge) => edge == RestEdge.InProcess ? InProcessRest : GatewayRest;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? grpcListener = null;
        ListenOptions? restListener = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => { listen.Protocols = HttpProtocols.Http2; grpcListener = listen; });
            kestrel.Listen(IPAddress.Loopback, 0, listen => { listen.Protocols = HttpProtocols.Http1; restListener = listen; });
        });
        builder.Services.AddECommerceGrpc().AddECommerceJsonTranscoding();
        _service = builder.Build();
        _service.MapGrpcService<BookstoreService>().WithPreciseInputErrors();
        _service.MapTranscodingOpenApi("Bookstore", "v1", [BookstoreReflection.Descriptor]);
        await _service.StartAsync();

        GrpcAddress = new Uri($"http://127.0.0.1:{grpcListener!.IPEndPoint!.Port}");
        InProcessRest = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{restListener!.IPEndPoint!.Port}") };

        _channel = GrpcChannel.ForAddress(GrpcAddress);
        var gatewayBuilder = WebApplication.CreateSlimBuilder();
        gatewayBuilder.Logging.ClearProviders();
        ListenOptions? gatewayListener = null;
        gatewayBuilder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => { listen.Protocols = HttpProtocols.Http1; gatewayListener = listen; }));
        gatewayBuilder.Services.AddGrpcGateway();
        _gateway = gatewayBuilder.Build();
        _gateway.MapGrpcGateway(_channel.CreateCallInvoker(), BookstoreReflection.Descriptor);
        _gateway.MapTranscodingOpenApi("Bookstore", "v1", [BookstoreReflection.Descriptor]);
        await _gateway.StartAsync();
        GatewayRest = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gatewayListener!.IPEndPoint!.Port}") };
    }

    public async ValueTask DisposeAsync()
    {
        InProcessRest?.Dispose();
        GatewayRest?.Dispose();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
        _channel?.Dispose();
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }
    }
}

/// <summary>The two ways a REST caller reaches the Bookstore; most tests run against both and expect the same answers.</summary>
public enum RestEdge
{
    InProcess,
    Gateway,
}
