namespace ECommerce.Logging;

/// <summary>Configuration section <c>Logs</c> (<c>Logs__RetentionDays</c>, …).</summary>
public sealed class LoggingOptions
{
    public const string SectionName = "Logs";

    /// <summary>Days of records kept; older daily partitions are dropped whole.</summary>
    public int RetentionDays { get; set; } = 14;

    /// <summary>Daily partitions created ahead of today.</summary>
    public int PartitionsAhead { get; set; } = 2;

    /// <summary>How often partitions are created ahead and expired ones dropped.</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The most records stored in one transaction (one COPY).</summary>
    public int BatchSize { get; set; } = 2000;

    /// <summary>The topic to consume (every service's LogRecords).</summary>
    public string Topic { get; set; } = Contracts.Events.EventTopics.Logs;

    /// <summary>How often a tail asks for new records.</summary>
    public TimeSpan TailPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A tail sends a record once it has been stored this long: replicas commit their batches in any order, and a
    /// record stored in a transaction still open when the tail read past it would otherwise be skipped.
    /// </summary>
    public TimeSpan TailSettle { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the spike rule is checked (docs/logging.md#spikes).</summary>
    public TimeSpan SpikeCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Minutes before the checked one whose mean is the baseline.</summary>
    public int SpikeBaselineMinutes { get; set; } = 15;

    /// <summary>A spike is at least this many times the baseline…</summary>
    public double SpikeFactor { get; set; } = 3;

    /// <summary>…and at least this many errors in the minute.</summary>
    public int SpikeMinimumErrors { get; set; } = 10;
}
