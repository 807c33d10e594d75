namespace ECommerce.AppHost.Orchestration;

public enum ResourceState
{
    /// <summary>Waiting for the resources it waits for to report healthy.</summary>
    Waiting,
    Starting,
    Running,
    /// <summary>Exited on its own; starts again after a back-off delay.</summary>
    Restarting,
    Stopping,
    /// <summary>Stopped from the dashboard, or the AppHost is shutting down.</summary>
    Stopped,
    /// <summary>Could not be started (see its error); starts again only when asked to.</summary>
    FailedToStart,
}

public enum ResourceHealth
{
    Unknown,
    Healthy,
    Unhealthy,
}

/// <summary>What the dashboard shows about one replica at one moment.</summary>
public sealed record ResourceSnapshot(
    string Name,
    string Resource,
    string Kind,
    ResourceState State,
    ResourceHealth Health,
    IReadOnlyList<ResourceEndpoint> Endpoints,
    int? ProcessId,
    int Restarts,
    DateTimeOffset? StartedAt,
    bool CanStop,
    string? LogFile,
    string? Error);
