namespace ECommerce.ServiceDefaults.Logging;

/// <summary>
/// The Kafka log sink's settings, section <c>Logging:Kafka</c> (its levels too: <c>Logging:Kafka:LogLevel:Default</c>).
/// It is on whenever the service has the event bus's Kafka connection string (<c>ConnectionStrings__kafka</c>).
/// </summary>
public sealed class KafkaLogOptions
{
    public const string SectionName = "Logging:Kafka";

    /// <summary>False turns the sink off even with a Kafka connection string.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Records waiting for Kafka; when full, the oldest are dropped (and counted).</summary>
    public int BufferSize { get; set; } = 10_000;

    /// <summary>Records handed to the Kafka client and not yet acknowledged; beyond it records wait in the buffer.</summary>
    public int MaxInFlight { get; set; } = 1_000;

    /// <summary>How long the client gathers records into one batch per partition.</summary>
    public int LingerMs { get; set; } = 20;

    /// <summary>The longest a stopping service waits for its last records to reach Kafka.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The service name on every record (and the message key); default: the service's own name.</summary>
    public string? Service { get; set; }

    /// <summary>Where the records go.</summary>
    public string Topic { get; set; } = Contracts.Events.EventTopics.Logs;

    /// <summary>Longer messages, exceptions and attribute values are cut (a record must fit one Kafka message).</summary>
    public int MaxTextLength { get; set; } = 32 * 1024;
}
