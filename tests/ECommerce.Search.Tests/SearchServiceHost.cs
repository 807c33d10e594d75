using System.Diagnostics;
using ECommerce.Contracts.Events;
using ECommerce.Contracts.Search.V1;
using ECommerce.EventBus.Consuming;
using ECommerce.EventBus.Outbox;
using ECommerce.EventBus;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.Testing;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ECommerce.Search.Tests;

/// <summary>
/// The real Search service on Kestrel (cleartext HTTP/2 on 127.0.0.1) with its own database, fed the
/// way the Catalog feeds it: events written to a "catalog" outbox database, published to this test
/// assembly's own Kafka cluster by an <see cref="OutboxRelay"/>, consumed by the service. A real
/// Users service (a child process) issues the tokens. One for the test assembly: tests keep apart by
/// putting their products in categories of their own.
/// </summary>
public sealed class SearchServiceHost : IAsyncLifetime
{
    private readonly TestInfrastructure _infrastructure = new();
    private ServiceOnKestrel<Api.SearchApi>? _search;
    private IHost? _catalogRelay;
    private NpgsqlDataSource? _catalogOutbox;
    private NpgsqlDataSource? _searchDatabase;

    public UsersForTests Users { get; private set; } = null!;
    public SearchService.SearchServiceClient Client { get; private set; } = null!;
    public TestInfrastructure Infrastructure => _infrastructure;
    public IServiceProvider Services => _search!.Services;

    public async ValueTask InitializeAsync()
    {
        foreach (var topic in new[] { EventTopics.CatalogProducts, EventTopics.CatalogInventory })
        {
            _infrastructure.Kafka.CreateTopic(topic, 3);
            _infrastructure.Kafka.CreateTopic(EventConsumer.DeadLetterTopic(topic), 1);
        }
        Users = await UsersForTests.StartAsync(_infrastructure);
        _catalogOutbox = NpgsqlDataSource.Create(await _infrastructure.CreateDatabaseAsync("catalog"));
        await OutboxSchema.EnsureCreatedAsync(_catalogOutbox);
        _catalogRelay = await StartCatalogRelayAsync(_catalogOutbox);

        var searchDatabase = await _infrastructure.CreateDatabaseAsync("search");
        _searchDatabase = NpgsqlDataSource.Create(searchDatabase);
        _search = await SearchOnKestrel.StartAsync(searchDatabase, _infrastructure.Kafka.BootstrapServers, Users.DiscoverySetting);
        Client = new SearchService.SearchServiceClient(_search.Channel);
    }

    /// <summary>
    /// Commits catalog events the way the Catalog does (outbox rows in one transaction), on the topic
    /// each belongs to; returns their event ids.
    /// </summary>
    public async Task<Guid[]> PublishAsync(params IMessage[] events)
    {
        await using var connection = await _catalogOutbox!.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var ids = new List<Guid>();
        foreach (var @event in events)
        {
            var (topic, key) = @event switch
            {
                Contracts.Events.V1.ProductCreated created => (EventTopics.CatalogProducts, created.Product.ProductId),
                Contracts.Events.V1.ProductUpdated updated => (EventTopics.CatalogProducts, updated.Product.ProductId),
                Contracts.Events.V1.ProductDeleted deleted => (EventTopics.CatalogProducts, deleted.ProductId),
                Contracts.Events.V1.PriceChanged price => (EventTopics.CatalogProducts, price.ProductId),
                Contracts.Events.V1.InventoryChanged stock => (EventTopics.CatalogInventory, stock.Sku),
                _ => throw new ArgumentOutOfRangeException(nameof(events), @event.Descriptor.FullName, "not a catalog event"),
            };
            ids.Add(await Outbox.AddAsync(connection, transaction, topic, key, @event));
        }
        await transaction.CommitAsync();
        return [.. ids];
    }

    /// <summary>Waits until the service has handled (or deliberately skipped) every one of these events.</summary>
    public async Task WaitUntilHandledAsync(params Guid[] eventIds)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using var command = _searchDatabase!.CreateCommand("SELECT count(*) FROM processed_events WHERE event_id = ANY($1)");
            command.Parameters.Add(new NpgsqlParameter { Value = eventIds });
            var handled = (long)(await command.ExecuteScalarAsync())!;
            if (handled == eventIds.Length)
            {
                return;
            }
            // Generous: a patience, not a speed goal (the freshness benchmark measures speed); CI machines run loaded.
            if (deadline.Elapsed > TimeSpan.FromSeconds(90))
            {
                throw new TimeoutException($"Search handled {handled} of events {string.Join(", ", eventIds)} within 90 s; " +
                    $"the catalog relay had published {await PublishedCountAsync(eventIds)} of them to Kafka.");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>How many of these events the relay has handed to Kafka: tells a stuck relay from a stuck consumer.</summary>
    private async Task<long> PublishedCountAsync(Guid[] eventIds)
    {
        await using var command = _catalogOutbox!.CreateCommand("SELECT count(*) FROM outbox_events WHERE event_id = ANY($1) AND published_at IS NOT NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = eventIds });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Publishes the events and returns once Search has handled them all.</summary>
    public async Task PublishAndWaitAsync(params IMessage[] events) => await WaitUntilHandledAsync(await PublishAsync(events));

    public async ValueTask DisposeAsync()
    {
        if (_search is not null)
        {
            await _search.DisposeAsync();
        }
        if (_catalogRelay is not null)
        {
            await _catalogRelay.StopAsync();
            _catalogRelay.Dispose();
        }
        if (_catalogOutbox is not null)
        {
            await _catalogOutbox.DisposeAsync();
        }
        if (_searchDatabase is not null)
        {
            await _searchDatabase.DisposeAsync();
        }
        if (Users is not null)
        {
            await Users.DisposeAsync();
        }
        await _infrastructure.DisposeAsync();
    }

    private async Task<IHost> StartCatalogRelayAsync(NpgsqlDataSource outbox)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(outbox);
        builder.Services.AddEventBus(new EventBusOptions
        {
            ServiceName = "catalog",
            BootstrapServers = _infrastructure.Kafka.BootstrapServers,
            SessionTimeoutMs = KafkaDevCluster.DevelopmentSessionTimeoutMs,
            RelayPollInterval = TimeSpan.FromMilliseconds(200),
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
