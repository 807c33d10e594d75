namespace ECommerce.EventBus;

public sealed record EventBusOptions
{
    /// <summary>The publishing service (CloudEvents "source") and the consumer group it reads in.</summary>
    public required string ServiceName { get; init; }

    /// <summary>Kafka bootstrap servers, e.g. "broker1:9092,broker2:9092".</summary>
    public required string BootstrapServers { get; init; }

    /// <summary>How long the relay sleeps when no NOTIFY wakes it; NOTIFY usually wakes it at once.</summary>
    public TimeSpan RelayPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Outbox rows the relay reads, sends and marks published per round trip.</summary>
    public int RelayBatchSize { get; init; } = 1000;

    /// <summary>
    /// Published outbox rows are kept this long for inspection, then deleted; short, because at
    /// thousands of events per second the table would otherwise grow by millions of rows an hour.
    /// </summary>
    public TimeSpan PublishedRetention { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the relay deletes published rows older than <see cref="PublishedRetention"/>, busy or not.</summary>
    public TimeSpan OutboxCleanupInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The most events a consumer takes from one poll and handles in one transaction per partition.</summary>
    public int ConsumerBatchSize { get; init; } = 500;

    /// <summary>
    /// How long a poll waits for more events once it has one; zero takes just what Kafka has already
    /// delivered, which keeps the lag lowest (batches grow on their own while the previous one is handled).
    /// </summary>
    public TimeSpan ConsumerBatchWait { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// How often a consumer commits the offsets of settled batches to Kafka (also on revocation and
    /// close). A crash re-delivers what was handled since the last commit; the processed-event records
    /// drop it, so this trades a few duplicate reads for fewer commit requests.
    /// </summary>
    public TimeSpan OffsetCommitInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Partitions handled at once by one consumer, each in its own transaction (and connection);
    /// 1 when any handler is registered with <c>partitionsInParallel: false</c>.
    /// </summary>
    public int ConsumerParallelism { get; init; } = 4;

    /// <summary>Attempts per event before it is parked in the dead-letter topic.</summary>
    public int MaxHandlerAttempts { get; init; } = 3;

    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Consumer session timeout; null keeps Kafka's default (45 s). Development uses 6 s so a
    /// restarted consumer rejoins its group quickly.
    /// </summary>
    public int? SessionTimeoutMs { get; init; }

    /// <summary>
    /// The longest a consumer's fetch waits at the broker for new events; null keeps Kafka's default
    /// (500 ms). A real broker answers as soon as an event arrives, so the default costs no lag there;
    /// librdkafka's mock cluster answers an empty fetch only when this wait is over, so development
    /// sets it low (<c>KafkaDevCluster.DevelopmentFetchWaitMaxMs</c>) or every event waits for it.
    /// </summary>
    public int? FetchWaitMaxMs { get; init; }
}
