using ECommerce.AppHost.Resources;

namespace ECommerce.AppHost.Orchestration;

/// <summary>One startable unit of a resource: a server, or one process of a service with several replicas.</summary>
internal abstract class Replica(string name, Resource resource)
{
    /// <summary>The resource's name, or "&lt;name&gt;-&lt;index&gt;" for one of several replicas.</summary>
    public string Name { get; } = name;

    public Resource Resource { get; } = resource;

    /// <summary>False for what lives inside the AppHost process: it stops only with the AppHost.</summary>
    public virtual bool CanStopAlone => true;

    /// <summary>Starts it and returns once it runs (not necessarily healthy yet).</summary>
    /// <exception cref="ECommerce.LocalInfrastructure.InfrastructureException">It could not be started; retrying will not help.</exception>
    public abstract Task<IRunningReplica> StartAsync(CancellationToken cancellationToken);
}

/// <summary>A started replica. Disposing it stops it gracefully.</summary>
internal interface IRunningReplica : IAsyncDisposable
{
    /// <summary>Null for what runs inside the AppHost process.</summary>
    int? ProcessId { get; }

    /// <summary>Its console output, when it has any.</summary>
    string? LogFile { get; }

    IReadOnlyList<ResourceEndpoint> Endpoints { get; }

    /// <summary>Completes when the process ends on its own or is stopped.</summary>
    Task Exited { get; }

    Task<bool> IsHealthyAsync(CancellationToken cancellationToken);

    /// <summary>What the last failed health probe answered, for the message when health never comes.</summary>
    string? LastProbeFailure => null;
}

/// <summary>An address the dashboard shows, e.g. ("grpc", "http://127.0.0.1:5001"). External ones face users (the REST edge).</summary>
public sealed record ResourceEndpoint(string Name, string Url, bool IsExternal = false);
