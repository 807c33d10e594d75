using System.Diagnostics;
using Confluent.Kafka;
using ECommerce.EventBus.Kafka;
using ECommerce.EventBus.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ECommerce.EventBus.Consuming;

/// <summary>
/// Reads the subscribed topics in the service's consumer group, in batches, and hands each event to
/// its handler exactly once in effect: a batch's handler changes and processed-event records commit
/// together, and the Kafka offsets move on only after that commit.
/// </summary>
/// <remarks>
/// <para>Each poll takes what Kafka has delivered (up to <see cref="EventBusOptions.ConsumerBatchSize"/>),
/// splits it by partition, and handles the partitions in parallel, each in its own transaction
/// (<see cref="EventBatches"/>); events of one key share a partition and so keep their order. The next
/// poll starts when the whole batch is settled, so a rebalance, which happens only inside a poll,
/// never takes a partition away in the middle of its transaction. Replicas of a service share the
/// partitions through the consumer group.</para>
/// <para>A failing event is retried with backoff, then parked in "&lt;topic&gt;.dlq"; events of types
/// this service does not handle are skipped.</para>
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
            // Consume() blocks, so the loop gets a thread of its own, and stays on it: the loop waits for its async work
            // instead of awaiting it, because an await would carry on, and block in the next Consume(), on a thread of the
            // pool. A pool thread blocked for good per consumer starved the pool (on 2 cores, and most in the monolith, one
            // consumer per module): requests stalled for up to a second while the pool added threads.
            : Task.Factory.StartNew(() => ConsumeLoop(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void ConsumeLoop(CancellationToken stoppingToken)
    {
        OutboxSchema.EnsureCreatedAsync(dataSource, stoppingToken).GetAwaiter().GetResult();
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = options.ServiceName,
            ClientId = $"{options.ServiceName}-consumer",
            SocketTimeoutMs = KafkaClients.SocketTimeoutMs,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // Offsets are stored only after their batch committed; librdkafka commits what is stored
            // in the background, and on revocation and close.
            EnableAutoCommit = true,
            EnableAutoOffsetStore = false,
            AutoCommitIntervalMs = (int)options.OffsetCommitInterval.TotalMilliseconds,
            SessionTimeoutMs = options.SessionTimeoutMs,
            FetchWaitMaxMs = options.FetchWaitMaxMs,
        })
        .SetPartitionsAssignedHandler((_, _) => _assigned.TrySetResult())
        .SetLogHandler((_, message) => KafkaClients.Log(logger, message))
        .Build();
        using var deadLetters = new DeadLetters(options, logger);
        var batches = new EventBatches(_subscriptions, dataSource, scopes, deadLetters, options, logger);
        var parallelism = new ParallelOptions
        {
            MaxDegreeOfParallelism = _subscriptions.Values.All(subscription => subscription.PartitionsInParallel) ? Math.Max(1, options.ConsumerParallelism) : 1,
            CancellationToken = stoppingToken,
        };

        consumer.Subscribe(_subscriptions.Keys.Select(key => key.Topic).Distinct());
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var polled = Poll(consumer, stoppingToken);
                // A rebalance during the poll may have taken partitions away: their new owner handles those records.
                var assigned = consumer.Assignment.ToHashSet();
                var partitions = polled.Where(record => assigned.Contains(record.TopicPartition))
                    .GroupBy(record => record.TopicPartition)
                    .Select(partition => partition.ToList())
                    .ToList();
                var settled = partitions.Count == 1
                    ? batches.SettleAsync(partitions[0], stoppingToken)
                    : Parallel.ForEachAsync(partitions, parallelism, async (partition, cancellationToken) => await batches.SettleAsync(partition, cancellationToken));
                settled.GetAwaiter().GetResult();
                foreach (var partition in partitions)
                {
                    consumer.StoreOffset(partition[^1]);
                }
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

    /// <summary>Waits for one record, then takes whatever else arrives within the batch wait, up to the batch size.</summary>
    private List<ConsumeResult<string, byte[]>> Poll(IConsumer<string, byte[]> consumer, CancellationToken stoppingToken)
    {
        var batch = new List<ConsumeResult<string, byte[]>>();
        if (consumer.Consume(stoppingToken) is not { Message: not null } first)
        {
            return batch;
        }
        batch.Add(first);
        var waitEnds = Stopwatch.GetTimestamp() + (long)(options.ConsumerBatchWait.TotalSeconds * Stopwatch.Frequency);
        while (batch.Count < options.ConsumerBatchSize)
        {
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), waitEnds);
            if (consumer.Consume(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero) is not { } next)
            {
                break;
            }
            if (next.Message is not null)
            {
                batch.Add(next);
            }
        }
        return batch;
    }

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
