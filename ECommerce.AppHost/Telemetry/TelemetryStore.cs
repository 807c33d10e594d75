using System.Globalization;
using ECommerce.AppHost.Telemetry.Otlp;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace ECommerce.AppHost.Telemetry;

/// <summary>
/// The structured logs, spans and metrics the services sent over OTLP (HTTP or gRPC), newest kept, in
/// memory: this is a development dashboard, not a telemetry backend.
/// </summary>
internal sealed class TelemetryStore
{
    public const int Capacity = 20_000;

    /// <summary>
    /// The AppHost probes every service every few seconds. ServiceDefaults does not trace those calls,
    /// but ECommerce.Grpc logs every served call; those lines would bury everything else.
    /// </summary>
    private const string HealthService = "grpc.health.v1.Health";

    private readonly LinkedList<LogEntry> _logs = new();
    private readonly LinkedList<SpanEntry> _spans = new();
    private readonly Lock _lock = new();

    /// <summary>The metrics, kept apart: their history is per series, not a list of records.</summary>
    public MetricsStore Metrics { get; } = new();

    public void Add(ExportMetricsServiceRequest request) => Metrics.Add(request);

    public void Add(ExportLogsServiceRequest request)
    {
        var entries = new List<LogEntry>();
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var (service, instance) = Describe(resourceLogs.Resource);
            foreach (var scope in resourceLogs.ScopeLogs)
            {
                foreach (var record in scope.LogRecords)
                {
                    var attributes = Flatten(record.Attributes);
                    if (attributes.GetValueOrDefault("RpcService") == HealthService)
                    {
                        continue;
                    }
                    entries.Add(new LogEntry(
                        Time(record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano),
                        service, instance, LogLevels.FromSeverity(record.SeverityNumber),
                        record.Body is null ? "" : Text(record.Body), scope.Scope?.Name ?? "",
                        Hex(record.TraceId), Hex(record.SpanId), attributes));
                }
            }
        }
        Append(_logs, entries);
    }

    public void Add(ExportTraceServiceRequest request)
    {
        var entries = new List<SpanEntry>();
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var (service, instance) = Describe(resourceSpans.Resource);
            foreach (var scope in resourceSpans.ScopeSpans)
            {
                foreach (var span in scope.Spans)
                {
                    var attributes = Flatten(span.Attributes);
                    var start = Time(span.StartTimeUnixNano);
                    entries.Add(new SpanEntry(Hex(span.TraceId)!, Hex(span.SpanId)!, Hex(span.ParentSpanId), service, instance,
                        span.Name, SpanKinds.Name(span.Kind), start, (span.EndTimeUnixNano - span.StartTimeUnixNano) / 1_000_000.0,
                        span.Status?.Code == 2 ? "Error" : "Ok", span.Status?.Message, attributes));
                }
            }
        }
        Append(_spans, entries);
    }

    /// <summary>Newest first. <paramref name="minimumLevel"/> is a .NET log level name, e.g. "Warning".</summary>
    public IReadOnlyList<LogEntry> Logs(string? service, string? minimumLevel, string? traceId, int limit)
    {
        var minimum = LogLevels.Rank(minimumLevel);
        lock (_lock)
        {
            return _logs.Reverse()
                .Where(log => service is null || log.Service == service)
                .Where(log => LogLevels.Rank(log.Level) >= minimum)
                .Where(log => traceId is null || string.Equals(log.TraceId, traceId, StringComparison.OrdinalIgnoreCase))
                .Take(limit)
                .ToList();
        }
    }

    /// <summary>Newest first: one row per trace, described by its earliest span.</summary>
    public IReadOnlyList<TraceSummary> Traces(string? service, int limit)
    {
        lock (_lock)
        {
            return _spans.GroupBy(span => span.TraceId)
                .Where(trace => service is null || trace.Any(span => span.Service == service))
                .Select(TraceSummary.From)
                .OrderByDescending(trace => trace.Start)
                .Take(limit)
                .ToList();
        }
    }

    /// <summary>The spans of one trace in start order.</summary>
    public IReadOnlyList<SpanEntry> Trace(string traceId)
    {
        lock (_lock)
        {
            return _spans.Where(span => string.Equals(span.TraceId, traceId, StringComparison.OrdinalIgnoreCase))
                .OrderBy(span => span.Start)
                .ToList();
        }
    }

    public IReadOnlyList<string> Services()
    {
        var metrics = Metrics.Services();
        lock (_lock)
        {
            return _logs.Select(log => log.Service).Concat(_spans.Select(span => span.Service)).Concat(metrics)
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        }
    }

    private void Append<T>(LinkedList<T> list, List<T> entries)
    {
        lock (_lock)
        {
            foreach (var entry in entries)
            {
                list.AddLast(entry);
            }
            while (list.Count > Capacity)
            {
                list.RemoveFirst();
            }
        }
    }

    internal static (string Service, string? Instance) Describe(Resource? resource)
    {
        var attributes = resource is null ? [] : Flatten(resource.Attributes);
        return (attributes.GetValueOrDefault("service.name") ?? "unknown", attributes.GetValueOrDefault("service.instance.id"));
    }

    internal static Dictionary<string, string> Flatten(RepeatedField<KeyValue> attributes) =>
        attributes.GroupBy(attribute => attribute.Key).ToDictionary(group => group.Key, group => group.Last().Value is { } value ? Text(value) : "");

    private static string Text(AnyValue value) => value.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.ArrayValue => "[" + string.Join(", ", value.ArrayValue.Values.Select(Text)) + "]",
        AnyValue.ValueOneofCase.KvlistValue => "{" + string.Join(", ", value.KvlistValue.Values.Select(pair => $"{pair.Key}: {(pair.Value is null ? "" : Text(pair.Value))}")) + "}",
        AnyValue.ValueOneofCase.BytesValue => Convert.ToHexStringLower(value.BytesValue.Span),
        _ => "",
    };

    private static string? Hex(ByteString id) => id.IsEmpty ? null : Convert.ToHexStringLower(id.Span);

    /// <summary>A time OTLP left out (0) is taken as now: the moment it was received.</summary>
    internal static DateTimeOffset Time(ulong unixNanoseconds) =>
        unixNanoseconds == 0 ? DateTimeOffset.UtcNow : DateTimeOffset.UnixEpoch.AddTicks((long)(unixNanoseconds / 100));
}

public sealed record LogEntry(
    DateTimeOffset Time,
    string Service,
    string? Instance,
    string Level,
    string Message,
    string Category,
    string? TraceId,
    string? SpanId,
    IReadOnlyDictionary<string, string> Attributes);

public sealed record SpanEntry(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Service,
    string? Instance,
    string Name,
    string Kind,
    DateTimeOffset Start,
    double DurationMs,
    string Status,
    string? StatusMessage,
    IReadOnlyDictionary<string, string> Attributes);

public sealed record TraceSummary(string TraceId, string Name, DateTimeOffset Start, double DurationMs, int Spans, IReadOnlyList<string> Services, bool HasError)
{
    public static TraceSummary From(IGrouping<string, SpanEntry> trace)
    {
        var spanIds = trace.Select(span => span.SpanId).ToHashSet(StringComparer.Ordinal);
        var root = trace.Where(span => span.ParentSpanId is null || !spanIds.Contains(span.ParentSpanId)).MinBy(span => span.Start) ?? trace.First();
        var start = trace.Min(span => span.Start);
        var end = trace.Max(span => span.Start.AddMilliseconds(span.DurationMs));
        return new TraceSummary(trace.Key, root.Name, start, (end - start).TotalMilliseconds, trace.Count(),
            trace.Select(span => span.Service).Distinct(StringComparer.Ordinal).ToList(), trace.Any(span => span.Status == "Error"));
    }
}

/// <summary>OTLP severity numbers as .NET log level names.</summary>
internal static class LogLevels
{
    private static readonly string[] Names = ["Trace", "Debug", "Information", "Warning", "Error", "Critical"];

    /// <summary>1–4 Trace, 5–8 Debug, 9–12 Information, 13–16 Warning, 17–20 Error, 21–24 Critical.</summary>
    public static string FromSeverity(int severityNumber) =>
        severityNumber <= 0 ? "Information" : Names[Math.Min(Names.Length - 1, (severityNumber - 1) / 4)];

    /// <summary>Position of a level name (unknown or empty: the lowest).</summary>
    public static int Rank(string? level) => Math.Max(0, Array.FindIndex(Names, name => string.Equals(name, level, StringComparison.OrdinalIgnoreCase)));
}

internal static class SpanKinds
{
    public static string Name(int kind) => kind switch
    {
        2 => "Server",
        3 => "Client",
        4 => "Producer",
        5 => "Consumer",
        _ => "Internal",
    };
}
