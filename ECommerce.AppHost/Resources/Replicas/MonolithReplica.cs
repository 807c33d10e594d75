using ECommerce.AppHost.Orchestration;

namespace ECommerce.AppHost.Resources.Replicas;

/// <summary>
/// The one process of the monolith: <c>dotnet ECommerce.Monolith.dll</c>, told each service's own variables
/// under <c>Modules__&lt;service&gt;__</c>. Services reach each other in-process, so no service addresses are passed.
/// </summary>
internal sealed class MonolithReplica(MonolithResource resource, RunContext context) : Replica(resource.Name, resource)
{
    public override async Task<IRunningReplica> StartAsync(CancellationToken cancellationToken)
    {
        var environment = await BuildEnvironmentAsync(cancellationToken);
        var endpoints = resource.Modules.SelectMany(module => module.Addresses[0].Select(address => (module.Name, address))).ToList();
        var process = await ServiceLauncher.StartAsync(Name, MonolithResource.ProjectPath, endpoints, environment, context);
        return new RunningService(process,
            endpoints.Select(endpoint => new ResourceEndpoint($"{endpoint.Name}-{endpoint.address.Name}", endpoint.address.Url, endpoint.address.Definition.IsExternal)).ToList(),
            endpoints.Where(endpoint => endpoint.address.Name == ProjectResource.GrpcEndpoint).Select(endpoint => endpoint.address.Url));
    }

    internal async Task<IReadOnlyDictionary<string, string>> BuildEnvironmentAsync(CancellationToken cancellationToken)
    {
        var environment = ServiceEnvironment.ForProcess(context);
        environment["OTEL_SERVICE_NAME"] = resource.Name;
        foreach (var module in resource.Modules)
        {
            var own = await ServiceEnvironment.ForServiceAsync(module, module.Addresses[0], $"{resource.Name}/{module.Name}",
                isInProcess: service => resource.Modules.Contains(service), cancellationToken);
            foreach (var (name, value) in own)
            {
                environment[$"Modules__{module.Name}__{name}"] = value;
            }
        }
        return environment;
    }
}
