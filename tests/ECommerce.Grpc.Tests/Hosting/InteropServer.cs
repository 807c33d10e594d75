using System.Collections.Concurrent;
using ECommerce.Grpc.InProcess;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ECommerce.Grpc.Tests.Hosting;

/// <summary>
/// The Interop service on real Kestrel: 127.0.0.1, a free port, cleartext HTTP/2, wired exactly as a
/// shop service is (AddECommerceGrpc + MapECommerceGrpcDefaults).
/// </summary>
public sealed class InteropServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InteropServer(WebApplication app, CapturedLogs logs, ConcurrentQueue<WireRecord> wire)
    {
        _app = app;
        Logs = logs;
        Wire = wire;
        Address = app.Services.GetRequiredService<IServer>().GetGrpcAddress();
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public InteropServerState State => _app.Services.GetRequiredService<InteropServerState>();

    public CapturedLogs Logs { get; }

    /// <summary>One record per finished HTTP request, as it was on the wire.</summary>
    public ConcurrentQueue<WireRecord> Wire { get; }

    /// <param name="inProcess">Also listens there as <paramref name="name"/>, next to the TCP endpoint.</param>
    /// <param name="port">The loopback port; 0 picks a free one.</param>
    public static async Task<InteropServer> StartAsync(string name = "csharp", Action<IServiceCollection>? configureServices = null,
        InProcessNetwork? inProcess = null, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenGrpcOnLoopback(port);
            if (inProcess is not null)
            {
                kestrel.ListenInProcess(name);
            }
        });
        if (inProcess is not null)
        {
            builder.Services.AddInProcessTransport(inProcess);
        }
        var logs = new CapturedLogs();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Information);
        builder.Services.AddSingleton(new InteropServerState(name));
        builder.Services.AddECommerceGrpc();
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        var wire = new ConcurrentQueue<WireRecord>();
        app.Use(async (context, next) =>
        {
            await next(context);
            wire.Enqueue(new WireRecord(context.Request.Path, context.Connection.Id,
                context.Request.Headers["grpc-encoding"].ToString(), context.Response.Headers["grpc-encoding"].ToString()));
        });
        app.MapGrpcService<InteropService>();
        app.MapECommerceGrpcDefaults();
        await app.StartAsync();
        return new InteropServer(app, logs, wire);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>What a request looked like on the wire: things grpc-dotnet handles before any handler runs.</summary>
public sealed record WireRecord(PathString Path, string ConnectionId, string RequestEncoding, string ResponseEncoding);

/// <summary>The one server most tests share, started once for the whole test assembly.</summary>
public sealed class SharedInteropServer : IAsyncLifetime
{
    private InteropServer? _server;

    public InteropServer Server => _server ?? throw new InvalidOperationException("The shared server has not started.");

    public async ValueTask InitializeAsync() => _server = await InteropServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
