using ECommerce.AppHost.Orchestration;
using ECommerce.AppHost.Resources.Replicas;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ECommerce.AppHost.Resources;

/// <summary>
/// A service of this repository, run from its build output as one process per replica. Every service has
/// a "grpc" endpoint (cleartext HTTP/2), over which the AppHost asks grpc.health.v1 whether it is ready.
/// </summary>
public sealed class ProjectResource : Resource
{
    public const string GrpcEndpoint = "grpc";

    private readonly List<EndpointDefinition> _endpoints = [new(GrpcEndpoint, HttpProtocols.Http2, Port: 0, IsExternal: false)];
    private readonly List<IResourceWithConnectionString> _connectionReferences = [];
    private readonly List<ProjectResource> _serviceReferences = [];
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);
    private IReadOnlyList<IReadOnlyList<EndpointAddress>>? _addresses;

    internal ProjectResource(string name, string projectPath) : base(name)
    {
        ProjectPath = projectPath;
    }

    public override string Kind => "Project";

    /// <summary>The .csproj, relative to the repository root.</summary>
    public string ProjectPath { get; }

    public int Replicas { get; private set; } = 1;

    public IReadOnlyList<EndpointDefinition> Endpoints => _endpoints;

    public IReadOnlyList<IResourceWithConnectionString> ConnectionReferences => _connectionReferences;

    public IReadOnlyList<ProjectResource> ServiceReferences => _serviceReferences;

    /// <summary>Variables set last, over those the AppHost derives from endpoints and references.</summary>
    public IReadOnlyDictionary<string, string> Environment => _environment;

    /// <summary>Runs <paramref name="count"/> processes, each on its own ports; callers spread calls over all of them.</summary>
    public ProjectResource WithReplicas(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (count > 1 && _endpoints.Any(endpoint => endpoint.Port != 0))
        {
            throw new ArgumentException($"{Name} has an endpoint on a fixed port, which only one replica can listen on.", nameof(count));
        }
        Replicas = count;
        return this;
    }

    /// <summary>
    /// An endpoint speaking HTTP/1.1, e.g. the REST edge (cleartext HTTP/2 needs prior knowledge, which
    /// browsers and most REST clients lack). External endpoints are printed when the mesh is ready.
    /// Port 0 picks a free port for each run.
    /// </summary>
    public ProjectResource WithHttpEndpoint(string name, int port = 0, bool isExternal = false)
    {
        if (_endpoints.Any(endpoint => endpoint.Name == name))
        {
            throw new ArgumentException($"{Name} already has an endpoint named '{name}'.", nameof(name));
        }
        if (port != 0 && Replicas > 1)
        {
            throw new ArgumentException($"{Name} has {Replicas} replicas, which cannot share the fixed port {port}.", nameof(port));
        }
        _endpoints.Add(new EndpointDefinition(ResourceNames.Validate(name), HttpProtocols.Http1, port, isExternal));
        return this;
    }

    /// <summary>Passes the connection string as <c>ConnectionStrings__&lt;name&gt;</c>.</summary>
    public ProjectResource WithReference(IResourceWithConnectionString resource)
    {
        _connectionReferences.Add(resource);
        return this;
    }

    /// <summary>Passes every replica's address as <c>services__&lt;service&gt;__&lt;endpoint&gt;__&lt;i&gt;</c>.</summary>
    public ProjectResource WithReference(ProjectResource service)
    {
        _serviceReferences.Add(service);
        return this;
    }

    /// <summary>Sets an environment variable of every replica, e.g. a feature switch or a log level.</summary>
    public ProjectResource WithEnvironment(string name, string value)
    {
        if (string.IsNullOrEmpty(name) || !(char.IsAsciiLetter(name[0]) || name[0] == '_') || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException($"'{name}' is not a valid environment variable name: use ASCII letters, digits and '_' (\"__\" separates configuration sections).", nameof(name));
        }
        _environment[name] = value;
        return this;
    }

    /// <summary>
    /// Each replica's endpoint addresses, chosen once per run so that they stay the same across restarts
    /// and every caller can be told them before the service starts. Replicas start at the same time and
    /// ask at once: every one of them must get the same addresses, or a replica would listen on ports
    /// the health probe and its callers were never told.
    /// </summary>
    internal IReadOnlyList<IReadOnlyList<EndpointAddress>> Addresses =>
        LazyInitializer.EnsureInitialized(ref _addresses, () => Enumerable.Range(0, Replicas)
            .Select(_ => (IReadOnlyList<EndpointAddress>)_endpoints.Select(EndpointAddress.Allocate).ToList())
            .ToList());

    /// <summary>Also whatever it takes a connection string from, which must exist to give one.</summary>
    internal override IEnumerable<Resource> StartsAfter => WaitsFor.Concat(ConnectionReferences.Select(reference => reference.Owner));

    internal override IReadOnlyList<Replica> CreateReplicas(RunContext context) =>
        Enumerable.Range(0, Replicas).Select(index => (Replica)new ProjectReplica(this, index, context)).ToList();
}

/// <summary>A named listening endpoint of a service, as declared.</summary>
public sealed record EndpointDefinition(string Name, HttpProtocols Protocols, int Port, bool IsExternal);
