using System.Collections.Concurrent;
using Confluent.Kafka;
using ECommerce.Contracts.Events.V1;
using ECommerce.EventBus.Consuming;
using ECommerce.EventBus.Outbox;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ECommerce.EventBus.Tests;

/// <summary>
/// One publishing service and one consuming service, each with its own real database, sharing a
/// topic on the Kafka cluster. The consumer's handler records one row per user in its database,
/// so duplicates would show as extra effects.
/// </summary>
internal sealed class EventBusScenario : IAsyncDisposable
{
    private readonly List<IHost> _hosts = [];

    private EventBusScenario(TestInfrastructure infrastructure, string topic, NpgsqlDataSource publisher, NpgsqlDataSource consumer)
    {
        Infrastructure = infrastructure;
        Topic = topic;
        Publisher = publisher;
        Consumer = consumer;
    }

    public TestInfrastructure Infrastructure { get; }
    public string Topic { get; }
    public NpgsqlDataSource Publisher { get; }
    public NpgsqlDataSource Consumer { get; }
    public string PublisherName { get; } = TestInfrastructure.UniqueName("users");
    public string ConsumerName { get; } = TestInfrastructure.UniqueName("welcome");

    public static async Task<EventBusScenario> CreateAsync(TestInfrastructure infrastructure, int partitions = 3)
    {
        var topic = infrastructure.CreateTopic("users", partitions);
        infrastructure.Kafka.CreateTopic(EventConsumer.DeadLetterTopic(topic), 1);
        var publisher = NpgsqlDataSource.Create(await infrastructure.CreateDatabaseAsync("publisher"));
        var consumer = NpgsqlDataSource.Create(await infrastructure.CreateDatabaseAsync("consumer"));
        await OutboxSchema.EnsureCreatedAsync(publisher);
        await using var create = consumer.CreateCommand("CREATE TABLE welcomed (user_id text PRIMARY KEY, email text NOT NULL, trace_id text)");
        await create.ExecuteNonQueryAsync();
        return new EventBusScenario(infrastructure, topic, publisher, consumer);
    }

    public EventBusOptions Options(string serviceName) => new()
    {
        ServiceName = serviceName,
        BootstrapServers = Infrastructure.Kafka.BootstrapServers,
        SessionTimeoutMs = KafkaDevCluster.DevelopmentSessionTimeoutMs,
        RelayPollInterval = TimeSpan.FromMilliseconds(200),
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
    };

    /// <summary>Registers users in the publisher's database: state change and events in one transaction.</summary>
    public async Task RegisterAsync(IEnumerable<UserRegistered> users, bool commit = true)
    {
        await using var connection = await Publisher.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var user in users)
        {
            await Outbox.Outbox.AddAsync(connection, transaction, Topic, user.UserId, user);
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

    public async Task<IHost> StartPublisherAsync() => await StartAsync(Publisher, Options(PublisherName), _ => { });

    public async Task<IHost> StartConsumerAsync(ConcurrentBag<string>? attempts = null)
    {
        var host = await StartAsync(Consumer, Options(ConsumerName), services =>
        {
            services.AddSingleton(attempts ?? new ConcurrentBag<string>());
            services.AddEventHandler<UserRegistered, WelcomeHandler>(Topic);
        });
        await host.Services.GetRequiredService<EventConsumer>().Assigned.WaitAsync(TimeSpan.FromSeconds(30));
        return host;
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

    /// <summary>Welcomes each new user once; a user named "poison" makes it fail every time.</summary>
    private sealed class WelcomeHandler(ConcurrentBag<string> attempts) : IEventHandler<UserRegistered>
    {
        public async Task HandleAsync(UserRegistered @event, EventContext context, CancellationToken cancellationToken)
        {
            attempts.Add(@event.UserId);
            if (@event.DisplayName == "poison")
            {
                throw new InvalidOperationException($"cannot welcome {@event.UserId}");
            }
            await using var insert = new NpgsqlCommand("INSERT INTO welcomed (user_id, email, trace_id) VALUES ($1, $2, $3)", context.Connection, context.Transaction)
            {
                Parameters =
                {
                    new() { Value = @event.UserId },
                    new() { Value = @event.Email },
                    new() { Value = (object?)System.Diagnostics.Activity.Current?.TraceId.ToString() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
                },
            };
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
