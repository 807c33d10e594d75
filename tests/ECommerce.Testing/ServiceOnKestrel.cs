using ECommerce.Grpc;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Testing;

/// <summary>
/// A real service, its own Program and configuration, in the test process on Kestrel: cleartext
/// HTTP/2 on 127.0.0.1, set up only through <c>settings</c> (the same keys its appsettings and the
/// AppHost use). In-process, so a test can reach into its DI container; on a real socket, so every
/// call goes through HTTP/2 and the gRPC runtime as in production.
/// </summary>
/// <typeparam name="TEntryPoint">Any type of the service's assembly.</typeparam>
public sealed class ServiceOnKestrel<TEntryPoint> : IAsyncDisposable where TEntryPoint : class
{
    private readonly WebApplicationFactory<TEntryPoint> _factory;

    private ServiceOnKestrel(WebApplicationFactory<TEntryPoint> factory)
    {
        _factory = factory;
        Address = factory.Services.GetRequiredService<IServer>().GetGrpcAddress();
        Channel = GrpcChannel.ForAddress(Address);
    }

    public Uri Address { get; }
    public GrpcChannel Channel { get; }
    public IServiceProvider Services => _factory.Services;

    /// <summary>
    /// Starts the service; its logs are kept to warnings, and off Kafka's logs topic (a test about logging turns it on
    /// with <c>Logging:Kafka:Enabled</c>), unless a setting says otherwise.
    /// </summary>
    public static ServiceOnKestrel<TEntryPoint> Start(IEnumerable<KeyValuePair<string, string>> settings)
    {
        var factory = new WebApplicationFactory<TEntryPoint>().WithWebHostBuilder(host =>
        {
            host.UseSetting("Logging:LogLevel:Default", "Warning");
            host.UseSetting(KafkaLoggingOff.Key, KafkaLoggingOff.Value);
            foreach (var (key, value) in settings)
            {
                host.UseSetting(key, value);
            }
        });
        factory.UseKestrel(kestrel => kestrel.ListenGrpcOnLoopback());
        factory.StartServer();
        return new ServiceOnKestrel<TEntryPoint>(factory);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _factory.DisposeAsync();
    }
}
