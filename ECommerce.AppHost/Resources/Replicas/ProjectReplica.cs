using ECommerce.AppHost.Orchestration;

namespace ECommerce.AppHost.Resources.Replicas;

/// <summary>One process of a service: <c>dotnet &lt;its built assembly&gt;</c> with the environment its references produce.</summary>
internal sealed class ProjectReplica(ProjectResource resource, int index, RunContext context)
    : Replica(resource.Replicas == 1 ? resource.Name : $"{resource.Name}-{index}", resource)
{
    private IReadOnlyList<EndpointAddress> Addresses => resource.Addresses[index];

    public override async Task<IRunningReplica> StartAsync(CancellationToken cancellationToken)
    {
        var environment = await BuildEnvironmentAsync(cancellationToken);
        var process = await ServiceLauncher.StartAsync(Name, resource.ProjectPath, Addresses.Select(address => (Name, address)), environment, context);
        return new RunningService(process,
            Addresses.Select(address => new ResourceEndpoint(address.Name, address.Url, address.Definition.IsExternal)).ToList(),
            [Addresses.Single(address => address.Name == ProjectResource.GrpcEndpoint).Url]);
    }

    internal async Task<IReadOnlyDictionary<string, string>> BuildEnvironmentAsync(CancellationToken cancellationToken)
    {
        var environment = ServiceEnvironment.ForProcess(context);
        foreach (var (name, value) in await ServiceEnvironment.ForServiceAsync(resource, Addresses, Name, isInProcess: _ => false, cancellationToken))
        {
            environment[name] = value;
        }
        return environment;
    }
}
