using System.Collections.Concurrent;
using Confluent.Kafka;
using ECommerce.Contracts.Events.V1;
using ECommerce.EventBus.Consuming;
using ECommerce.EventBus.Outbox;
using ECommerce.EventBus.TestConsumer;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ECommerce.EventBus.Tests;

/// <summary>
/// One publishing service and one consuming service, each with its own real database, sharing a
/// topic on the Kafka cluster. The consumer's <see cref="WelcomeHandler"/> records each handled event
/// in its database, so lost, duplicate or reordered events show in its tables.
/// </summary>
internal sealed class EventBusScenario : IAsyncDisposable
{
    private readonly List<IHost> _hosts = [];

    private EventBusScenario(TestInfrastructure infrastructure, string topic, NpgsqlDataSource publisher, string consumerDatabase)
    {
        Infrastructure = infrastructure;
        Topic = topic;
        Publisher = publisher;
        ConsumerDatabase = consumerDatabase;
        Consumer = NpgsqlDataSource.Create(consumerDatabase);
    }

    public TestInfrastructure Infrastructure { get; }
    public string Topic { get; }
    public NpgsqlDataSource Publisher { get; }
    public NpgsqlDataSource Consumer { get; }
    /// <summary>The consumer's connection string, with its password, for a consumer in another process.</summary>
    public string ConsumerDatabase { get; }
    public string PublisherName { get; } = TestInfrastructure.UniqueName("users");
    public string ConsumerName { get; } = TestInfrastructure.UniqueName("welcome");

    public static async Task<EventBusScenario> CreateAsync(TestInfrastructure infrastructure, int partitions = 3)
    {
        var topic = infrastructure.CreateTopic("users", partitions);
        infrastructure.Kafka.CreateTopic(EventConsumer.DeadLetterTopic(topic), 1);
        var publisher = NpgsqlDataSource.Create(await infrastructure.CreateDatabaseAsync("publisher"));
        var scenario = new EventBusScenario(infrastructure, topic, publisher, await infrastructure.CreateDatabaseAsync("consumer"));
        await OutboxSchema.EnsureCreatedAsync(publisher);
        await using var create = scenario.Consumer.CreateCommand(WelcomeHandler.Schema);
        await create.ExecuteNonQueryAsync();
        return scenario;
    }

    public EventBusOptions Options(string serviceName) => new()
    {
        ServiceName = serviceName,
        BootstrapServers = Infrastructure.Kafka.BootstrapServers,
        SessionTimeoutMs = KafkaDevCluster.DevelopmentSessionTimeoutMs,
        FetchWaitMaxMs = KafkaDevCluster.DevelopmentFetchWaitMaxMs,
        RelayPollInterval = TimeSpan.FromMilliseconds(200),
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
    };

    /// <summary>Registers users in the publisher's database: state change and events in one transaction.</summary>
    /// <param name="keyOf">The event key (the user id unless given): events with one key keep their order.</param>
    public async Task RegisterAsync(IEnumerable<UserRegistered> users, bool commit = true, Func<UserRegistered, string>? keyOf = null)
    {
        await using var connection = await Publisher.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var user in users)
        {
            await Outbox.Outbox.AddAsync(connection, transaction, Topic, keyOf?.Invoke(user) ?? user.UserId, user);
        }
        if (commit)
        {
            await transaction.CommitAsync();
        }
        else
        {
            await transaction.RollbackAsync();
        }
    }

    public OutboxRelay CreateRelay() =>
        new(Publisher, Options(PublisherName), LoggerFactory.Create(_ => { }).CreateLogger<OutboxRelay>());

    public async Task<IHost> StartPublisherAsync(Func<EventBusOptions, EventBusOptions>? tune = null) =>
        await StartAsync(Publisher, tune?.Invoke(Options(PublisherName)) ?? Options(PublisherName), _ => { });

    public async Task<long> OutboxRowsAsync()
    {
        await using var count = Publisher.CreateCommand("SELECT count(*) FROM outbox_events");
        return (long)(await count.ExecuteScalarAsync())!;
    }

    public Task<IHost> StartConsumerAsync(ConcurrentBag<string>? attempts = null, string instance = "in-process") =>
        StartConsumerAsync(services =>
        {
            services.AddSingleton(attempts ?? new ConcurrentBag<string>());
            services.AddSingleton(new ConsumerInstance(instance));
            services.AddEventHandler<UserRegistered, WelcomeHandler>(Topic);
        });

    /// <summary>A consumer whose handlers <paramref name="configure"/> registers.</summary>
    public async Task<IHost> StartConsumerAsync(Action<IServiceCollection> configure)
    {
        var host = await StartAsync(Consumer, Options(ConsumerName), configure);
        await host.Services.GetRequiredService<EventConsumer>().Assigned.WaitAsync(TimeSpan.FromSeconds(30));
        return host;
    }

    /// <summary>Stops a consumer cleanly: it leaves its group, and the others take over its partitions.</summary>
    public async Task StopAsync(IHost host)
    {
        _hosts.Remove(host);
        await host.StopAsync();
        host.Dispose();
    }

    /// <summary>Every handled event in commit order: (key, user id, consumer instance).</summary>
    public async Task<List<(string Key, string UserId, string Consumer)>> HandledAsync()
    {
        await using var command = Consumer.CreateCommand("SELECT event_key, user_id, consumer FROM handled ORDER BY position");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }
        return rows;
    }

    /// <summary>The offset the consumer group has committed on a partition, or null if it has committed none.</summary>
    public long? CommittedOffset(int partition)
    {
        using var probe = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = Infrastructure.Kafka.BootstrapServers,
            GroupId = ConsumerName,
        }).Build();
        var committed = probe.Committed([new TopicPartition(Topic, partition)], TimeSpan.FromSeconds(10)).Single().Offset;
        return committed == Offset.Unset ? null : committed.Value;
    }

    public async Task<Dictionary<string, string>> WelcomedAsync()
    {
        await using var command = Consumer.CreateCommand("SELECT user_id, email FROM welcomed");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, string>();
        while (await reader.ReadAsync())
        {
            rows[reader.GetString(0)] = reader.GetString(1);
        }
        return rows;
    }

    public async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Every record on a topic, read with a plain consumer outside any service's group.</summary>
    public List<ConsumeResult<string, byte[]>> ReadAll(string topic, int expected)
    {
        using var reader = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = Infrastructure.Kafka.BootstrapServers,
            GroupId = TestInfrastructure.UniqueName("reader"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            SessionTimeoutMs = KafkaDevCluster.DevelopmentSessionTimeoutMs,
        }).Build();
        reader.Subscribe(topic);
        var records = new List<ConsumeResult<string, byte[]>>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (records.Count < expected && DateTime.UtcNow < deadline)
        {
            if (reader.Consume(TimeSpan.FromMilliseconds(200)) is { } record)
            {
                records.Add(record);
            }
        }
        // Anything beyond what was expected (duplicates) shows up within a short grace period.
        for (var grace = DateTime.UtcNow.AddSeconds(1); DateTime.UtcNow < grace;)
        {
            if (reader.Consume(TimeSpan.FromMilliseconds(100)) is { } record)
            {
                records.Add(record);
            }
        }
        reader.Close();
        return records;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }
        await Publisher.DisposeAsync();
        await Consumer.DisposeAsync();
    }

    private async Task<IHost> StartAsync(NpgsqlDataSource dataSource, EventBusOptions options, Action<IServiceCollection> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddEventBus(options);
        configure(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        _hosts.Add(host);
        return host;
    }
}
