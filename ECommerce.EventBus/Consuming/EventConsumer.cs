using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using ECommerce.EventBus.Outbox;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ECommerce.EventBus.Consuming;

/// <summary>
/// Reads the subscribed topics in the service's consumer group and hands each event to its handler
/// exactly once in effect: the handler's changes and a processed-event record commit together, and
/// the Kafka offset moves on only after that commit.
/// </summary>
/// <remarks>
/// A failing event is retried with backoff; after <see cref="EventBusOptions.MaxHandlerAttempts"/>
/// (or at once, if it cannot even be parsed) it is parked in "&lt;topic&gt;.dlq" with the error and its
/// origin in headers, and the partition moves on. Events of types this service does not handle are
/// skipped.
/// </remarks>
public sealed class EventConsumer(
    IEnumerable<EventSubscription> subscriptions,
    NpgsqlDataSource dataSource,
    IServiceScopeFactory scopes,
    EventBusOptions options,
    ILogger<EventConsumer> logger) : BackgroundService
{
    private readonly Dictionary<(string Topic, string Type), EventSubscription> _subscriptions =
        subscriptions.ToDictionary(subscription => (subscription.Topic, subscription.Descriptor.FullName));

    private readonly TaskCompletionSource _assigned = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static string DeadLetterTopic(string topic) => topic + ".dlq";

    /// <summary>Completes once the group has given this consumer its first partitions.</summary>
    public Task Assigned => _assigned.Task;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _subscriptions.Count == 0
            ? Task.CompletedTask
            // Consume() blocks, so the loop gets a thread of its own.
            : Task.Factory.StartNew(() => ConsumeLoopAsync(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task ConsumeLoopAsync(CancellationToken stoppingToken)
    {
        await OutboxSchema.EnsureCreatedAsync(dataSource, stoppingToken);
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = options.ServiceName,
            ClientId = $"{options.ServiceName}-consumer",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = true,
            EnableAutoOffsetStore = false,
            AutoCommitIntervalMs = 500,
            SessionTimeoutMs = options.SessionTimeoutMs,
        })
        .SetPartitionsAssignedHandler((_, _) => _assigned.TrySetResult())
        .Build();
        using var deadLetters = new ProducerBuilder<string, byte[]>(new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            EnableIdempotence = true,
            ClientId = $"{options.ServiceName}-dead-letters",
        }).Build();

        consumer.Subscribe(_subscriptions.Keys.Select(key => key.Topic).Distinct());
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var result = consumer.Consume(stoppingToken);
                if (result?.Message is null)
                {
                    continue;
                }
                await HandleUntilSettledAsync(result, deadLetters, stoppingToken);
                consumer.StoreOffset(result);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            CommitStoredOffsets(consumer);
            consumer.Close();
        }
    }

    /// <summary>Returns once the event is handled, was a duplicate, is not ours, or is parked.</summary>
    private async Task HandleUntilSettledAsync(ConsumeResult<string, byte[]> result, IProducer<string, byte[]> deadLetters, CancellationToken stoppingToken)
    {
        var headers = result.Message.Headers;
        var type = EventHeaders.Get(headers, EventHeaders.Type);
        if (type is null || !_subscriptions.TryGetValue((result.Topic, type), out var subscription))
        {
            logger.LogDebug("Skipping event of type {Type} on {Topic}: no handler in {Service}", type, result.Topic, options.ServiceName);
            return;
        }

        IMessage message;
        try
        {
            message = subscription.Descriptor.Parser.ParseFrom(result.Message.Value ?? []);
        }
        catch (InvalidProtocolBufferException e)
        {
            await DeadLetterAsync(result, deadLetters, $"payload is not a valid {type}: {e.Message}", stoppingToken);
            return;
        }

        using var activity = EventBusTelemetry.StartActivity($"{result.Topic} process", ActivityKind.Consumer,
            EventHeaders.Get(headers, EventHeaders.TraceParent), EventHeaders.Get(headers, EventHeaders.TraceState), result.Topic);
        activity?.SetTag("messaging.consumer.group.name", options.ServiceName);
        var eventId = EventIdOf(result);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await HandleOnceAsync(subscription, message, eventId, type, result, stoppingToken);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                if (attempt >= options.MaxHandlerAttempts)
                {
                    logger.LogError(e, "Event {EventId} ({Type}) failed {Attempts} times in {Service}; parking it in {DeadLetterTopic}",
                        eventId, type, attempt, options.ServiceName, DeadLetterTopic(result.Topic));
                    activity?.SetStatus(ActivityStatusCode.Error, e.Message);
                    await DeadLetterAsync(result, deadLetters, $"{e.GetType().Name}: {e.Message}", stoppingToken);
                    return;
                }
                logger.LogWarning(e, "Event {EventId} ({Type}) failed in {Service} (attempt {Attempt}); retrying", eventId, type, options.ServiceName, attempt);
                await Task.Delay(options.RetryBaseDelay * Math.Pow(2, attempt - 1), stoppingToken);
            }
        }
    }

    private async Task HandleOnceAsync(EventSubscription subscription, IMessage message, Guid eventId, string type,
        ConsumeResult<string, byte[]> result, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var claim = new NpgsqlCommand(
            "INSERT INTO processed_events (consumer_group, event_id, event_type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            connection, transaction)
        {
            Parameters = { new() { Value = options.ServiceName }, new() { Value = eventId }, new() { Value = type } },
        })
        {
            if (await claim.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                logger.LogDebug("Event {EventId} was already handled by {Service}", eventId, options.ServiceName);
                return;
            }
        }
        var time = DateTimeOffset.TryParse(EventHeaders.Get(result.Message.Headers, EventHeaders.Time), out var parsed) ? parsed : (DateTimeOffset?)null;
        var context = new EventContext(eventId, type, EventHeaders.Get(result.Message.Headers, EventHeaders.Source), time,
            result.Topic, result.Partition.Value, result.Offset.Value, result.Message.Key ?? "", connection, transaction);
        await using (var scope = scopes.CreateAsyncScope())
        {
            await subscription.Dispatch(scope.ServiceProvider, message, context, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Parks the event; the partition may move on only once Kafka has it, so nothing is lost.</summary>
    private async Task DeadLetterAsync(ConsumeResult<string, byte[]> result, IProducer<string, byte[]> deadLetters, string error, CancellationToken stoppingToken)
    {
        var headers = new Headers();
        foreach (var header in result.Message.Headers ?? [])
        {
            headers.Add(header.Key, header.GetValueBytes());
        }
        EventHeaders.Set(headers, EventHeaders.DeadLetterError, error);
        EventHeaders.Set(headers, EventHeaders.DeadLetterTopic, result.Topic);
        EventHeaders.Set(headers, EventHeaders.DeadLetterPartition, result.Partition.Value.ToString());
        EventHeaders.Set(headers, EventHeaders.DeadLetterOffset, result.Offset.Value.ToString());
        EventHeaders.Set(headers, EventHeaders.DeadLetterConsumerGroup, options.ServiceName);
        var retry = TimeSpan.FromMilliseconds(500);
        while (true)
        {
            try
            {
                await deadLetters.ProduceAsync(DeadLetterTopic(result.Topic),
                    new Message<string, byte[]> { Key = result.Message.Key, Value = result.Message.Value, Headers = headers }, stoppingToken);
                return;
            }
            catch (ProduceException<string, byte[]> e)
            {
                logger.LogError(e, "Could not park an event in {DeadLetterTopic}; retrying in {Retry}", DeadLetterTopic(result.Topic), retry);
                await Task.Delay(retry, stoppingToken);
            }
        }
    }

    /// <summary>The CloudEvents id; for events from producers that send none, one derived from the record's position.</summary>
    private static Guid EventIdOf(ConsumeResult<string, byte[]> result) =>
        Guid.TryParse(EventHeaders.Get(result.Message.Headers, EventHeaders.Id), out var id)
            ? id
            : new Guid(MD5.HashData(Encoding.UTF8.GetBytes($"{result.Topic}/{result.Partition.Value}/{result.Offset.Value}")));

    private void CommitStoredOffsets(IConsumer<string, byte[]> consumer)
    {
        try
        {
            consumer.Commit();
        }
        catch (KafkaException e)
        {
            // Nothing stored yet, or the group is rebalancing: the next owner resumes from the last
            // commit and the processed-event records drop what it sees again.
            logger.LogDebug(e, "Final offset commit of {Service} skipped", options.ServiceName);
        }
    }
}
