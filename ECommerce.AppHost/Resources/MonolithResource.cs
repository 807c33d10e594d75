using ECommerce.AppHost.Orchestration;
using ECommerce.AppHost.Resources.Replicas;

namespace ECommerce.AppHost.Resources;

/// <summary>
/// Every declared service hosted in one process (ECommerce.Monolith), as <c>--mode monolith</c> runs them.
/// It keeps each service's endpoints, connection strings and variables, starts after everything any of
/// them waits for, and is healthy when every one of them is.
/// </summary>
public sealed class MonolithResource : Resource
{
    public const string ProjectPath = "ECommerce.Monolith/ECommerce.Monolith.csproj";

    internal MonolithResource(string name, IReadOnlyList<ProjectResource> modules) : base(name)
    {
        Modules = modules;
        foreach (var dependency in modules.SelectMany(module => module.StartsAfter).Where(dependency => dependency is not ProjectResource).Distinct())
        {
            AddWaitFor(dependency);
        }
    }

    public override string Kind => "Monolith";

    /// <summary>The services it hosts, in start order.</summary>
    public IReadOnlyList<ProjectResource> Modules { get; }

    internal override IReadOnlyList<Replica> CreateReplicas(RunContext context) => [new MonolithReplica(this, context)];
}
