using ECommerce.Contracts.Search.V1;
using ECommerce.EventBus.Consuming;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Search.Benchmarks;

/// <summary>The real Search service on Kestrel (h2c, 127.0.0.1) with its database and the Kafka dev cluster.</summary>
/// <remarks>Any public or visible type of the service names its assembly; this program has its own Program class.</remarks>
internal sealed class SearchHost : IAsyncDisposable
{
    private readonly ServiceOnKestrel<Api.SearchApi> _service;

    private SearchHost(ServiceOnKestrel<Api.SearchApi> service)
    {
        _service = service;
        Client = new SearchService.SearchServiceClient(service.Channel);
    }

    public SearchService.SearchServiceClient Client { get; }

    public static async Task<SearchHost> StartAsync(string database, KafkaDevCluster kafka)
    {
        var service = ServiceOnKestrel<Api.SearchApi>.Start(
        [
            new("ConnectionStrings:search", database),
            .. TestInfrastructure.KafkaSettings(kafka.BootstrapServers),
            // Searches are anonymous, so no token is ever checked; the Users address is only required to be set.
            new("services:users:grpc:0", "http://127.0.0.1:9"),
        ]);
        await service.Services.GetRequiredService<EventConsumer>().Assigned.WaitAsync(TimeSpan.FromSeconds(60));
        return new SearchHost(service);
    }

    public ValueTask DisposeAsync() => _service.DisposeAsync();
}
