using ECommerce.Grpc.InProcess;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Grpc.Tests.Hosting;

/// <summary>
/// Our client as an application gets it: AddECommerceGrpcClient in DI, addresses from the Aspire-style
/// configuration keys <c>services:interop:grpc:&lt;index&gt;</c>.
/// </summary>
public sealed class InteropClients : IDisposable
{
    public const string ServiceName = "interop";

    private readonly ServiceProvider _provider;

    public InteropClients(IEnumerable<Uri> addresses, Action<ECommerceGrpcClientOptions>? configure = null, InProcessNetwork? inProcess = null)
    {
        var settings = addresses.Select((address, index) =>
            new KeyValuePair<string, string?>($"services:{ServiceName}:grpc:{index}", address.ToString()));
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        if (inProcess is not null)
        {
            services.AddInProcessTransport(inProcess);
        }
        services.AddECommerceGrpcClient<Protos.Interop.InteropClient>(ServiceName, configure);
        _provider = services.BuildServiceProvider();
    }

    public Protos.Interop.InteropClient Client => _provider.GetRequiredService<Protos.Interop.InteropClient>();

    public IServiceProvider Services => _provider;

    public static InteropClients For(Uri address, Action<ECommerceGrpcClientOptions>? configure = null) => new([address], configure);

    public void Dispose() => _provider.Dispose();
}
