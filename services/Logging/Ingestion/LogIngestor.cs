using Confluent.Kafka;
using ECommerce.EventBus.Kafka;
using Google.Protobuf;

namespace ECommerce.Logging.Ingestion;

/// <summary>
/// Consumes the logs topic in the "logging" consumer group (replicas share its partitions) and hands each poll's
/// records, up to <see cref="LoggingOptions.BatchSize"/>, to <see cref="LogKeeper"/> in one transaction. Offsets live
/// in the database with the records, so an assigned partition resumes where its last stored batch ended.
/// </summary>
internal sealed class LogIngestor(LogKeeper keeper, KafkaClientSettings kafka, IConfiguration configuration, LoggingOptions options,
    ILogger<LogIngestor> logger) : BackgroundService
{
    public const string ConsumerGroup = "logging";

    private readonly TaskCompletionSource _assigned = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the consumer has partitions: from then on every record on the topic will be stored.</summary>
    public Task Assigned => _assigned.Task;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // librdkafka's Consume blocks: the loop gets a thread of its own and stays on it, waiting for its stores instead of
        // awaiting them (an await would go on, and block in Consume, on a thread of the pool; see EventConsumer).
        Task.Factory.StartNew(() => Consume(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Consume(CancellationToken stoppingToken)
    {
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
            {
                BootstrapServers = kafka.ConnectionString,
                GroupId = ConsumerGroup,
                EnableAutoCommit = false,
                AutoOffsetReset = AutoOffsetReset.Earliest,
                SessionTimeoutMs = kafka.SessionTimeoutMs,
                FetchWaitMaxMs = configuration.GetValue<int?>("Kafka:FetchWaitMaxMs"),
            })
            .SetPartitionsAssignedHandler((_, partitions) =>
            {
                var stored = keeper.StoredOffsetsAsync(options.Topic, stoppingToken).GetAwaiter().GetResult();
                _assigned.TrySetResult();
                return partitions.Select(partition => stored.TryGetValue(partition.Partition.Value, out var next)
                    ? new TopicPartitionOffset(partition, new Offset(next))
                    : new TopicPartitionOffset(partition, Offset.Beginning));
            })
            .SetErrorHandler((_, error) => logger.LogDebug("Kafka consumer: {Error}", error.Reason))
            .SetLogHandler((_, message) => logger.LogDebug("Kafka consumer: {Facility} {Message}", message.Facility, message.Message))
            .Build();
        consumer.Subscribe(options.Topic);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var batch = new List<IngestedLog>();
                var result = consumer.Consume(stoppingToken);
                while (result is not null)
                {
                    if (Parse(result) is { } log)
                    {
                        batch.Add(log);
                    }
                    result = batch.Count < options.BatchSize ? consumer.Consume(TimeSpan.Zero) : null;
                }
                if (batch.Count > 0)
                {
                    StoreAsync(batch, stoppingToken).GetAwaiter().GetResult();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            consumer.Close();
        }
    }

    private IngestedLog? Parse(ConsumeResult<Ignore, byte[]> result)
    {
        try
        {
            return new IngestedLog(LogRecord.Parser.ParseFrom(result.Message.Value), result.Partition.Value, result.Offset.Value);
        }
        catch (InvalidProtocolBufferException)
        {
            logger.LogWarning("Skipped a message on {Topic} [{Partition}] at offset {Offset}: not a LogRecord", result.Topic, result.Partition.Value, result.Offset.Value);
            return null;
        }
    }

    // Until PostgreSQL takes the batch: the records stay on the topic, and nothing after them is read.
    private async Task StoreAsync(List<IngestedLog> batch, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await keeper.StoreAsync(options.Topic, batch, stoppingToken);
                return;
            }
            // Whatever the failure, the service stays up and the batch is kept: a stopped ingestor would lose nothing but
            // would store nothing either, and an error here is the Logging service's own, which it must report.
            catch (Exception failure) when (failure is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogError(failure, "Storing {Count} log records failed (attempt {Attempt}), retrying", batch.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 200 * attempt)), stoppingToken);
            }
        }
    }
}
