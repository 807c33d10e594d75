using ECommerce.Contracts.Events;
using ECommerce.Contracts.Search.V1;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ECommerce.Search.Tests;

/// <summary>One request cannot occupy the database: its size is capped, and any statement that still runs long is ended.</summary>
public sealed class QueryCostTests(SearchServiceHost search)
{
    [Fact]
    public async Task A_filter_with_too_many_values_is_refused_before_it_reaches_the_database()
    {
        var huge = new AttributeFilter { Name = "colour" };
        huge.Values.Add(Enumerable.Range(0, 300_000).Select(i => $"v{i}"));

        await GrpcAssert.InvalidArgumentNamingAsync(() => search.Client.SearchAsync(new SearchRequest { Attributes = { huge } }).ResponseAsync,
            ["attributes[0].values", "attributes"]);
    }

    [Fact]
    public async Task Many_filters_may_not_add_up_to_more_values_than_one_search_may_carry()
    {
        var request = new SearchRequest();
        request.Attributes.Add(Enumerable.Range(0, 5).Select(i => new AttributeFilter { Name = $"a{i}", Values = { Enumerable.Range(0, 50).Select(v => $"v{v}") } }));

        await GrpcAssert.InvalidArgumentNamingAsync(() => search.Client.SearchAsync(request).ResponseAsync, ["attributes"]);
    }

    [Fact]
    public async Task Filters_within_the_caps_are_searched()
    {
        var request = new SearchRequest { Query = "nothing-matches-this" };
        request.Attributes.Add(Enumerable.Range(0, 4).Select(i => new AttributeFilter { Name = $"a{i}", Values = { Enumerable.Range(0, 50).Select(v => $"v{v}") } }));

        var answer = await search.Client.SearchAsync(request);

        Assert.Empty(answer.Hits);
    }

    [Fact]
    public async Task Every_statement_of_the_service_is_ended_by_the_server_after_the_statement_timeout()
    {
        var dataSource = search.Services.GetRequiredService<NpgsqlDataSource>();
        await using var show = dataSource.CreateCommand("SHOW statement_timeout");
        Assert.Equal("10s", await show.ExecuteScalarAsync(TestContext.Current.CancellationToken));

        // A Kafka cluster of its own: on the shared one this second service would join the "search" consumer group, take
        // partitions from the shared service and apply other tests' events to its own database (their waits then time out).
        using var kafka = KafkaDevCluster.Start(brokerCount: 1);
        foreach (var topic in new[] { EventTopics.CatalogProducts, EventTopics.CatalogInventory })
        {
            kafka.CreateTopic(topic, 1);
        }
        await using var shortTimeout = await SearchOnKestrel.StartAsync(await search.Infrastructure.CreateDatabaseAsync("search_timeout"),
            kafka.BootstrapServers, search.Users.DiscoverySetting, new Dictionary<string, string> { ["Postgres:StatementTimeout"] = "00:00:00.3" });
        await using var sleep = shortTimeout.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT pg_sleep(5)");
        var ended = await Assert.ThrowsAsync<PostgresException>(() => sleep.ExecuteScalarAsync(TestContext.Current.CancellationToken));

        Assert.Equal(PostgresErrorCodes.QueryCanceled, ended.SqlState);
        Assert.Contains("statement timeout", ended.MessageText);
    }
}
