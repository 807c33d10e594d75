namespace ECommerce.EventBus.Kafka;

/// <summary>
/// The settings of a Kafka connection, shaped like <c>Aspire.Confluent.Kafka</c>'s: read from the
/// <c>Aspire:Confluent:Kafka</c> configuration section, with the bootstrap servers from
/// <c>ConnectionStrings__&lt;name&gt;</c>, which wins.
/// </summary>
public sealed class KafkaClientSettings
{
    public const string ConfigurationSection = "Aspire:Confluent:Kafka";

    /// <summary>Kafka's bootstrap servers, e.g. "broker1:9092,broker2:9092".</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Consumer session timeout in milliseconds; null keeps Kafka's default (45 s).</summary>
    public int? SessionTimeoutMs { get; set; }

    public bool DisableHealthChecks { get; set; }

    public bool DisableTracing { get; set; }

    /// <summary>How long the health check waits for the cluster's metadata.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
