using Microsoft.Extensions.Logging;

namespace ECommerce.ServiceDefaults.Logging;

/// <summary>A record as the logger captured it on the caller's thread; redacted and serialized later, by the sender.</summary>
internal sealed record PendingLog(
    DateTime Time,
    LogLevel Level,
    string Category,
    string Message,
    string Template,
    List<KeyValuePair<string, string>> Attributes,
    string Exception,
    string ExceptionType,
    string TraceId,
    string SpanId);
