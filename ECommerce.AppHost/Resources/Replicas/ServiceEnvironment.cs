using System.Globalization;
using ECommerce.AppHost.Orchestration;
using ECommerce.LocalInfrastructure.Kafka;

namespace ECommerce.AppHost.Resources.Replicas;

/// <summary>
/// The variables a service reads, named the way .NET Aspire names them: what every process of the run
/// shares, and what one service gets from its endpoints and references.
/// </summary>
internal static class ServiceEnvironment
{
    /// <summary>Environment, and where telemetry goes.</summary>
    public static SortedDictionary<string, string> ForProcess(RunContext context) => new(StringComparer.Ordinal)
    {
        ["DOTNET_ENVIRONMENT"] = "Development",
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = context.DashboardUrl,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        // Export each second instead of every five, so the dashboard keeps up with what one does.
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "1000",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
        // Metrics every 5 s instead of every 60 s: the dashboard's charts are read minutes, not hours.
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "5000",
    };

    /// <param name="instanceId">Tells replicas of one service apart in telemetry.</param>
    /// <param name="isInProcess">References to these services are left out: the host connects them in-process.</param>
    public static async Task<SortedDictionary<string, string>> ForServiceAsync(ProjectResource resource, IReadOnlyList<EndpointAddress> addresses,
        string instanceId, Func<ProjectResource, bool> isInProcess, CancellationToken cancellationToken)
    {
        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["OTEL_SERVICE_NAME"] = resource.Name,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={instanceId}",
        };
        foreach (var address in addresses)
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
        foreach (var service in resource.ServiceReferences.Where(service => !isInProcess(service)))
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
}
