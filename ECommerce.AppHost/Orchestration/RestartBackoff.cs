namespace ECommerce.AppHost.Orchestration;

/// <summary>How long a crashed replica waits before it is started again: 1 s, 2 s, 4 s … up to 30 s.</summary>
internal static class RestartBackoff
{
    public static readonly TimeSpan Maximum = TimeSpan.FromSeconds(30);

    /// <summary>A replica that stayed up this long crashed for a new reason; its back-off starts over.</summary>
    public static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(60);

    public static TimeSpan Delay(int consecutiveCrashes) =>
        TimeSpan.FromSeconds(Math.Min(Maximum.TotalSeconds, Math.Pow(2, Math.Max(0, consecutiveCrashes - 1))));
}
