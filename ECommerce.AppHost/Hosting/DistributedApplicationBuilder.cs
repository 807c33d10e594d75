using ECommerce.AppHost.Orchestration;
using ECommerce.AppHost.Resources;

namespace ECommerce.AppHost.Hosting;

/// <summary>
/// Where Program.cs declares the mesh, in the shape of .NET Aspire's builder (whose packages cannot be
/// restored here), so that moving to a real Aspire AppHost changes declarations, not services.
/// </summary>
public sealed class DistributedApplicationBuilder
{
    private readonly List<Resource> _resources = [];

    public DistributedApplicationBuilder(AppHostOptions options, RepositoryLayout repository, AppHostConsole console)
    {
        Options = options;
        Repository = repository;
        Console = console;
    }

    public AppHostOptions Options { get; }
    public RepositoryLayout Repository { get; }
    public AppHostConsole Console { get; }

    /// <summary>Reads the command line and finds the repository; on a mistake prints one clear message and exits.</summary>
    public static DistributedApplicationBuilder Create(string[] args)
    {
        var repository = RepositoryLayout.Locate();
        return new DistributedApplicationBuilder(AppHostOptions.Parse(args, repository), repository, AppHostConsole.Standard);
    }

    /// <param name="port">0 picks a free port once per run.</param>
    public PostgresResource AddPostgres(string name, int port = 0) => Add(new PostgresResource(name, port));

    /// <param name="port">0 picks a free port once per run.</param>
    public RedisResource AddRedis(string name, int port = 0) => Add(new RedisResource(name, port));

    public KafkaResource AddKafka(string name, int brokers = 3) => Add(new KafkaResource(name, brokers));

    /// <param name="projectPath">The service's .csproj relative to the repository root; ECommerce.AppHost.csproj must reference it so that it is built.</param>
    public ProjectResource AddProject(string name, string projectPath) => Add(new ProjectResource(name, projectPath));

    /// <summary>
    /// The resources in start order. In monolith mode the services become one resource, placed where the
    /// first of them was: one process hosting them all, in their start order.
    /// </summary>
    public DistributedApplication Build()
    {
        var ordered = StartOrder();
        if (Options.Mode == AppHostMode.Monolith && ordered.OfType<ProjectResource>().ToList() is { Count: > 0 } services)
        {
            if (services.Any(service => service.Replicas > 1))
            {
                Console.Info($"monolith mode runs one copy of each service; replica counts ({string.Join(", ", services.Where(s => s.Replicas > 1).Select(s => $"{s.Name}: {s.Replicas}"))}) apply to mesh mode only.");
            }
            var monolith = new MonolithResource("monolith", services);
            ordered.Insert(ordered.IndexOf(services[0]), monolith);
            ordered.RemoveAll(resource => resource is ProjectResource);
        }
        return new(ordered, Options, Repository, Console);
    }

    private TResource Add<TResource>(TResource resource) where TResource : Resource
    {
        if (_resources.Any(existing => existing.Name == resource.Name))
        {
            throw new ArgumentException($"A resource named '{resource.Name}' is already declared.", nameof(resource));
        }
        _resources.Add(resource);
        return resource;
    }

    /// <summary>
    /// Declaration order, except that whatever a resource waits for or takes a connection string from
    /// comes first. Service references do not order anything: two services may call each other.
    /// </summary>
    private List<Resource> StartOrder()
    {
        var ordered = new List<Resource>();
        var visiting = new HashSet<Resource>();
        void Visit(Resource resource, Resource? dependent)
        {
            if (ordered.Contains(resource))
            {
                return;
            }
            if (!_resources.Contains(resource))
            {
                throw new InvalidOperationException($"{dependent?.Name} depends on '{resource.Name}', which was declared on another builder.");
            }
            if (!visiting.Add(resource))
            {
                throw new InvalidOperationException($"'{resource.Name}' and '{dependent?.Name}' wait for each other, so neither could start.");
            }
            foreach (var dependency in resource.StartsAfter)
            {
                Visit(dependency, resource);
            }
            visiting.Remove(resource);
            ordered.Add(resource);
        }
        foreach (var resource in _resources)
        {
            Visit(resource, null);
        }
        return ordered;
    }
}
