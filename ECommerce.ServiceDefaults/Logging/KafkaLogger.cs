using System.Collections;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ECommerce.ServiceDefaults.Logging;

/// <summary>Captures a record's values and hands it to the sink; it never waits and never throws.</summary>
internal sealed class KafkaLogger(string category, KafkaLogSink sink, Func<IExternalScopeProvider?> scopes) : ILogger
{
    private const string TemplateKey = "{OriginalFormat}";

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => scopes()?.Push(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel) || KafkaLogSink.IsSending)
        {
            return;
        }
        try
        {
            var attributes = new List<KeyValuePair<string, string>>();
            var template = "";
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    if (key == TemplateKey)
                    {
                        template = value as string ?? "";
                    }
                    else
                    {
                        attributes.Add(new(key, Format(value)));
                    }
                }
            }
            if (eventId.Id != 0)
            {
                attributes.Add(new("EventId", eventId.Id.ToString(CultureInfo.InvariantCulture)));
            }
            scopes()?.ForEachScope(AddScope, attributes);
            var activity = Activity.Current;
            sink.Enqueue(new PendingLog(DateTime.UtcNow, logLevel, category, formatter(state, exception), template, attributes,
                exception?.ToString() ?? "", exception?.GetType().FullName ?? "",
                activity?.TraceId.ToHexString() ?? "", activity?.SpanId.ToHexString() ?? ""));
        }
        catch (Exception failure)
        {
            // A value whose ToString throws must not fail the caller's request.
            sink.CountFailure(failure);
        }
    }

    // Request scopes (RequestPath, RequestId, ConnectionId, …) as attributes; the record's own values win, and the
    // trace and span ids have fields of their own.
    private static void AddScope(object? scope, List<KeyValuePair<string, string>> attributes)
    {
        if (scope is not IEnumerable<KeyValuePair<string, object?>> values)
        {
            return;
        }
        foreach (var (key, value) in values)
        {
            if (key is TemplateKey or "TraceId" or "SpanId" or "ParentId" || attributes.Exists(attribute => attribute.Key == key))
            {
                continue;
            }
            attributes.Add(new(key, Format(value)));
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        string text => text,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => string.Join(", ", items.Cast<object?>().Select(Format)),
        _ => value.ToString() ?? "",
    };
}
