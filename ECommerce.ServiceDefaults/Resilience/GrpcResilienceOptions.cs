namespace ECommerce.ServiceDefaults.Resilience;

/// <summary>How calls to one service are protected. Configured per service name.</summary>
public sealed class GrpcResilienceOptions
{
    /// <summary>The deadline of a call whose caller set none, so that no call can hang forever.</summary>
    public TimeSpan DefaultDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Share of failed calls, within <see cref="SamplingDuration"/>, that opens the circuit.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Calls needed within <see cref="SamplingDuration"/> before the failure ratio counts.</summary>
    public int MinimumThroughput { get; set; } = 10;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit fails calls at once, before one trial call is let through.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
