using ECommerce.AppHost.Orchestration;

namespace ECommerce.AppHost.Resources;

/// <summary>Something the AppHost starts, watches and stops: a server, a cluster or a service.</summary>
public abstract class Resource
{
    private readonly List<Resource> _waitsFor = [];

    private protected Resource(string name)
    {
        Name = ResourceNames.Validate(name);
    }

    public string Name { get; }

    /// <summary>What the dashboard shows in its Kind column.</summary>
    public abstract string Kind { get; }

    /// <summary>Resources that must report healthy before this one starts.</summary>
    public IReadOnlyList<Resource> WaitsFor => _waitsFor;

    /// <summary>What must be started before this, whether or not this waits for it to be healthy.</summary>
    internal virtual IEnumerable<Resource> StartsAfter => WaitsFor;

    internal void AddWaitFor(Resource dependency)
    {
        if (dependency == this)
        {
            throw new ArgumentException($"{Name} cannot wait for itself.", nameof(dependency));
        }
        if (!_waitsFor.Contains(dependency))
        {
            _waitsFor.Add(dependency);
        }
    }

    /// <summary>The processes (or in-process servers) that make up this resource in one run.</summary>
    internal abstract IReadOnlyList<Replica> CreateReplicas(RunContext context);
}

public static class ResourceExtensions
{
    /// <summary>Starts <paramref name="resource"/> only once <paramref name="dependency"/> reports healthy.</summary>
    public static TResource WaitFor<TResource>(this TResource resource, Resource dependency) where TResource : Resource
    {
        resource.AddWaitFor(dependency);
        return resource;
    }

    /// <summary>Starts <paramref name="resource"/> only once the server of <paramref name="database"/> reports healthy.</summary>
    public static TResource WaitFor<TResource>(this TResource resource, PostgresDatabaseResource database) where TResource : Resource
    {
        resource.AddWaitFor(database.Server);
        return resource;
    }
}
