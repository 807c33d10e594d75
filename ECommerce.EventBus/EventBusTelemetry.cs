using System.Diagnostics;

namespace ECommerce.EventBus;

/// <summary>
/// Spans for publishing and handling events, linked through the traceparent header, so one
/// request's trace continues through every service that reacts to its events.
/// </summary>
public static class EventBusTelemetry
{
    public const string ActivitySourceName = "ECommerce.EventBus";

    internal static readonly ActivitySource Source = new(ActivitySourceName);

    internal static Activity? StartActivity(string name, ActivityKind kind, string? traceParent, string? traceState, string topic)
    {
        ActivityContext.TryParse(traceParent, traceState, out var parent);
        var activity = Source.StartActivity(name, kind, parent);
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.destination.name", topic);
        return activity;
    }
}
