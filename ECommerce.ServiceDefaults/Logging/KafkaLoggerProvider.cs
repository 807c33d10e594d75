using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ECommerce.ServiceDefaults.Logging;

/// <summary>
/// Every <see cref="ILogger"/> record of the service as a <c>LogRecord</c> on Kafka (see <see cref="KafkaLogSink"/>).
/// Levels come from <c>Logging:LogLevel</c>, or <c>Logging:Kafka:LogLevel</c> for this provider alone.
/// </summary>
[ProviderAlias("Kafka")]
internal sealed class KafkaLoggerProvider(KafkaLogSink sink) : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new();
    private IExternalScopeProvider? _scopes;

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, category =>
        // The Kafka client's own records, and the sink's, stay out: logging them would feed an outage into itself.
        category.StartsWith(KafkaLogSink.OwnCategory, StringComparison.Ordinal) || category.StartsWith("Confluent.Kafka", StringComparison.Ordinal)
            ? NullLogger.Instance
            : new KafkaLogger(category, sink, () => _scopes));

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    // The sink is the container's: it is disposed (and flushed) with it.
    public void Dispose()
    {
    }
}
