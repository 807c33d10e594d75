using ECommerce.Contracts.Search.V1;
using ECommerce.Grpc;
using ECommerce.LocalInfrastructure.Kafka;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ECommerce.EventBus.Consuming;

namespace ECommerce.Search.Benchmarks;

/// <summary>The real Search service on Kestrel (h2c, 127.0.0.1) with its database and the Kafka dev cluster.</summary>
/// <remarks>Any public or visible type of the service names its assembly; this program has its own Program class.</remarks>
internal sealed class SearchHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Api.SearchApi> _factory;

    private SearchHost(WebApplicationFactory<Api.SearchApi> factory, GrpcChannel channel)
    {
        _factory = factory;
        Channel = channel;
        Client = new SearchService.SearchServiceClient(channel);
    }

    public GrpcChannel Channel { get; }
    public SearchService.SearchServiceClient Client { get; }

    public static async Task<SearchHost> StartAsync(string database, KafkaDevCluster kafka)
    {
        var factory = new WebApplicationFactory<Api.SearchApi>().WithWebHostBuilder(host =>
        {
            host.UseSetting("ConnectionStrings:search", database);
            host.UseSetting("ConnectionStrings:kafka", kafka.BootstrapServers);
            host.UseSetting("Kafka:SessionTimeoutMs", KafkaDevCluster.DevelopmentSessionTimeoutMs.ToString());
            // Searches are anonymous, so no token is ever checked; the Users address is only required to be set.
            host.UseSetting("services:users:grpc:0", "http://127.0.0.1:9");
            host.UseSetting("Logging:LogLevel:Default", "Warning");
        });
        factory.UseKestrel(kestrel => kestrel.ListenGrpcOnLoopback());
        factory.StartServer();
        await factory.Services.GetRequiredService<EventConsumer>().Assigned.WaitAsync(TimeSpan.FromSeconds(60));
        var channel = GrpcChannel.ForAddress(factory.Services.GetRequiredService<IServer>().GetGrpcAddress());
        return new SearchHost(factory, channel);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _factory.DisposeAsync();
    }
}
