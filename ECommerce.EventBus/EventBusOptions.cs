namespace ECommerce.EventBus;

public sealed record EventBusOptions
{
    /// <summary>The publishing service (CloudEvents "source") and the consumer group it reads in.</summary>
    public required string ServiceName { get; init; }

    /// <summary>Kafka bootstrap servers, e.g. "broker1:9092,broker2:9092".</summary>
    public required string BootstrapServers { get; init; }

    /// <summary>How long the relay sleeps when no NOTIFY wakes it; NOTIFY usually wakes it at once.</summary>
    public TimeSpan RelayPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    public int RelayBatchSize { get; init; } = 500;

    /// <summary>Published outbox rows are kept this long for inspection, then deleted.</summary>
    public TimeSpan PublishedRetention { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Attempts per event before it is parked in the dead-letter topic.</summary>
    public int MaxHandlerAttempts { get; init; } = 3;

    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Consumer session timeout; null keeps Kafka's default (45 s). Development uses 6 s so a
    /// restarted consumer rejoins its group quickly.
    /// </summary>
    public int? SessionTimeoutMs { get; init; }
}
