using ECommerce.EventBus.Consuming;
using ECommerce.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Search.Tests;

/// <summary>The real Search service on Kestrel (h2c, 127.0.0.1), as the tests and the Search benchmarks run it.</summary>
internal static class SearchOnKestrel
{
    /// <summary>
    /// A Search service with the given database and Kafka cluster, once its consumer has its partitions.
    /// <paramref name="usersDiscovery"/> is where Users publishes its token keys; <paramref name="settings"/> adds or overrides.
    /// </summary>
    public static async Task<ServiceOnKestrel<Api.SearchApi>> StartAsync(string database, string kafka, KeyValuePair<string, string> usersDiscovery,
        IDictionary<string, string>? settings = null)
    {
        var search = ServiceOnKestrel<Api.SearchApi>.Start(
        [
            new("ConnectionStrings:search", database),
            .. TestInfrastructure.KafkaSettings(kafka),
            usersDiscovery,
            .. settings ?? new Dictionary<string, string>(),
        ]);
        await search.Services.GetRequiredService<EventConsumer>().Assigned.WaitAsync(TimeSpan.FromSeconds(60));
        return search;
    }
}
