using Aspire.Hosting.ApplicationModel;

namespace ECommerce.AppHost.Services;

/// <summary>
/// <c>--mode monolith</c>: every service declared with <see cref="ServiceBuilderExtensions.AddService{TProject}"/> runs as a
/// module of one process (ECommerce.Monolith). A module's declaration is kept off the application model; the monolith
/// gives it its own endpoints (<c>&lt;service&gt;-grpc</c>), connection strings and service name under
/// <c>Modules__&lt;service&gt;__</c>, and waits for whatever any module waits for. Modules reach each other in-process,
/// so references between them pass nothing.
/// </summary>
public static class MonolithBuilderExtensions
{
    public static IResourceBuilder<ProjectResource> AddMonolith<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        var process = builder.AddProject<TProject>(name, launchProfileName: null)
            .WithEndpointsInEnvironment(_ => false)
            .WithServiceEnvironment();
        var monolith = new MonolithAnnotation(process);
        process.WithAnnotation(monolith).WithGrpcHealthCheck(monolith.GrpcEndpoints);
        builder.Eventing.Subscribe<BeforeStartEvent>((_, _) =>
        {
            monolith.WaitForWhatModulesWaitFor();
            return Task.CompletedTask;
        });
        return process;
    }

    internal static MonolithAnnotation? Find(IDistributedApplicationBuilder builder) =>
        builder.Resources.SelectMany(resource => resource.Annotations.OfType<MonolithAnnotation>()).SingleOrDefault();
}

internal sealed class MonolithAnnotation(IResourceBuilder<ProjectResource> process) : IResourceAnnotation
{
    public IResourceBuilder<ProjectResource> Process => process;

    public List<ProjectResource> Modules { get; } = [];

    public List<EndpointReference> GrpcEndpoints { get; } = [];

    public IResourceBuilder<ProjectResource> AddModule(IDistributedApplicationBuilder builder, string name)
    {
        var module = builder.CreateResourceBuilder(new ProjectResource(name));
        Modules.Add(module.Resource);
        AddModuleEndpoint(name, ServiceBuilderExtensions.GrpcEndpoint, "Http2");
        GrpcEndpoints.Add(process.GetEndpoint($"{name}-{ServiceBuilderExtensions.GrpcEndpoint}"));
        process.WithEnvironment($"Modules__{name}__OTEL_SERVICE_NAME", name)
            .WithEnvironment(context =>
            {
                var references = module.Resource.Annotations.OfType<ResourceRelationshipAnnotation>()
                    .Where(relationship => relationship.Type == "Reference")
                    .Select(relationship => relationship.Resource)
                    .OfType<IResourceWithConnectionString>();
                foreach (var reference in references)
                {
                    context.EnvironmentVariables[$"Modules__{name}__{reference.ConnectionStringEnvironmentVariable ?? $"ConnectionStrings__{reference.Name}"}"] = reference.ConnectionStringExpression;
                }
            });
        return module;
    }

    public void AddModuleEndpoint(string module, string endpoint, string protocols, bool isExternal = false) =>
        process.WithKestrelEndpoint($"{module}-{endpoint}", protocols, configurationPrefix: $"Modules__{module}__", isExternal, kestrelName: endpoint);

    public void WaitForWhatModulesWaitFor()
    {
        var dependencies = Modules.SelectMany(module => module.Annotations.OfType<WaitAnnotation>())
            .Select(wait => wait.Resource)
            .Where(resource => resource is not ProjectResource project || !Modules.Contains(project))
            .Distinct();
        foreach (var dependency in dependencies)
        {
            process.WaitFor(process.ApplicationBuilder.CreateResourceBuilder(dependency));
        }
    }
}
