using System.Globalization;
using ECommerce.AppHost.Orchestration;
using ECommerce.LocalInfrastructure;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.LocalInfrastructure.Processes;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace ECommerce.AppHost.Resources.Replicas;

/// <summary>
/// One process of a service: <c>dotnet &lt;its built assembly&gt;</c>, started in its output folder (so it
/// finds its appsettings.json) with the Aspire-convention environment its references produce.
/// </summary>
internal sealed class ProjectReplica(ProjectResource resource, int index, RunContext context)
    : Replica(resource.Replicas == 1 ? resource.Name : $"{resource.Name}-{index}", resource)
{
    private IReadOnlyList<EndpointAddress> Addresses => resource.Addresses[index];

    public override async Task<IRunningReplica> StartAsync(CancellationToken cancellationToken)
    {
        var assembly = context.Repository.OutputAssembly(resource.ProjectPath);
        if (!File.Exists(assembly))
        {
            throw new InfrastructureException(Name, $"{assembly} was not found.",
                $"build it: `dotnet build ECommerce.AppHost -c {context.Repository.Configuration}` builds every service the AppHost starts (eng/run.sh does), " +
                $"and check that {resource.ProjectPath} is referenced by ECommerce.AppHost.csproj.");
        }
        foreach (var address in Addresses)
        {
            Loopback.EnsurePortFree($"{Name} ({address.Name} endpoint)", address.Port);
        }

        // The variables hold passwords: they go in the child's environment, which only its user can
        // read, never on its command line, which `ps` shows everyone. ChildProcess also gives the service
        // a session of its own, so Ctrl+C in the terminal reaches the AppHost, which stops services in order.
        var logFile = Path.Combine(context.Options.LogsDirectory, $"{Name}.log");
        var process = await ChildProcess.StartAsync(Name, DotnetHost, [assembly], logFile, ChildProcess.SigTerm,
            environment: await BuildEnvironmentAsync(cancellationToken), workingDirectory: Path.GetDirectoryName(assembly));
        return new RunningProject(process, Addresses);
    }

    /// <summary>The variables a service reads, named the way .NET Aspire names them.</summary>
    internal async Task<IReadOnlyDictionary<string, string>> BuildEnvironmentAsync(CancellationToken cancellationToken)
    {
        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["OTEL_SERVICE_NAME"] = resource.Name,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={Name}",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = context.DashboardUrl,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            // Export each second instead of every five, so the dashboard keeps up with what one does.
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
        };
        foreach (var address in Addresses)
        {
            environment[$"Kestrel__Endpoints__{address.Name}__Url"] = address.Url;
            environment[$"Kestrel__Endpoints__{address.Name}__Protocols"] = address.Definition.Protocols.ToString();
        }
        foreach (var reference in resource.ConnectionReferences)
        {
            environment[$"ConnectionStrings__{reference.ConnectionName}"] = await reference.GetConnectionStringAsync(cancellationToken);
            if (reference is KafkaResource)
            {
                // Kafka's default (45 s) would make a restarted service wait that long for its partitions.
                environment["Kafka__SessionTimeoutMs"] = KafkaDevCluster.DevelopmentSessionTimeoutMs.ToString(CultureInfo.InvariantCulture);
            }
        }
        foreach (var service in resource.ServiceReferences)
        {
            foreach (var (replicaAddresses, replicaIndex) in service.Addresses.Select((addresses, i) => (addresses, i)))
            {
                foreach (var address in replicaAddresses)
                {
                    environment[$"services__{service.Name}__{address.Name}__{replicaIndex}"] = address.Url;
                }
            }
        }
        foreach (var (name, value) in resource.Environment)
        {
            environment[name] = value;
        }
        return environment;
    }

    /// <summary>The dotnet host running the AppHost, so services run on the same runtime.</summary>
    private static string DotnetHost =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    private sealed class RunningProject : IRunningReplica
    {
        private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(25);

        private readonly ChildProcess _process;
        private readonly GrpcChannel _healthChannel;
        private readonly Health.HealthClient _health;

        public RunningProject(ChildProcess process, IReadOnlyList<EndpointAddress> addresses)
        {
            _process = process;
            Endpoints = addresses.Select(address => new ResourceEndpoint(address.Name, address.Url, address.Definition.IsExternal)).ToList();
            _healthChannel = GrpcChannel.ForAddress(addresses.Single(address => address.Name == ProjectResource.GrpcEndpoint).Url);
            _health = new Health.HealthClient(_healthChannel);
        }

        public int? ProcessId => _process.Id;
        public string? LogFile => _process.LogFile;
        public IReadOnlyList<ResourceEndpoint> Endpoints { get; }
        public Task Exited => _process.Exited;

        /// <summary>grpc.health.v1 Check of service "": every health check of the service passes.</summary>
        public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
        {
            try
            {
                var reply = await _health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken);
                return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving;
            }
            catch (RpcException)
            {
                return false;
            }
        }

        public async ValueTask DisposeAsync()
        {
            // SIGTERM lets the service finish the calls it is serving (its host's shutdown timeout is shorter).
            await _process.StopAsync(timeout: StopTimeout);
            await _process.DisposeAsync();
            _healthChannel.Dispose();
        }
    }
}
