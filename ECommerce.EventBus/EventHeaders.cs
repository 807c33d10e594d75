using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace ECommerce.EventBus;

/// <summary>
/// The envelope of every event, carried in Kafka headers per the CloudEvents Kafka binding
/// (binary mode), plus W3C trace context, so any CloudEvents-aware consumer can read it.
/// </summary>
public static class EventHeaders
{
    public const string SpecVersion = "ce_specversion";
    public const string Id = "ce_id";
    public const string Type = "ce_type";
    public const string Source = "ce_source";
    public const string Time = "ce_time";
    public const string ContentType = "content-type";
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    /// <summary>Dead-letter records also say where the event came from and why it failed.</summary>
    public const string DeadLetterError = "dlq_error";
    public const string DeadLetterTopic = "dlq_original_topic";
    public const string DeadLetterPartition = "dlq_original_partition";
    public const string DeadLetterOffset = "dlq_original_offset";
    public const string DeadLetterConsumerGroup = "dlq_consumer_group";

    public const string ProtobufContentType = "application/protobuf";

    public static void Set(Headers headers, string key, string? value)
    {
        if (value is not null)
        {
            headers.Remove(key);
            headers.Add(key, Encoding.UTF8.GetBytes(value));
        }
    }

    public static string? Get(Headers? headers, string key) =>
        headers is not null && headers.TryGetLastBytes(key, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
