using Google.Protobuf.WellKnownTypes;

namespace ECommerce.Logging.Events;

/// <summary>The events the Logging service publishes, each built in one place.</summary>
internal static class LoggingEvents
{
    public static ErrorRateSpiked ErrorRateSpiked(Spike spike) => new()
    {
        Service = spike.Service,
        Minute = Timestamp.FromDateTime(spike.Minute),
        Errors = spike.Errors,
        BaselinePerMinute = spike.BaselinePerMinute,
        TopFingerprint = spike.TopFingerprint,
    };
}
