using Aspire.Hosting.ApplicationModel;
using System.Globalization;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.LocalInfrastructure.Processes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ECommerce.AppHost.Services;

/// <summary>
/// A service of the mesh as an Aspire project resource: a "grpc" endpoint (cleartext HTTP/2, the services' default),
/// ready when grpc.health.v1 answers SERVING. In monolith mode (see <see cref="MonolithBuilderExtensions"/>) the same
/// declaration becomes one module of the monolith's single process.
/// </summary>
public static class ServiceBuilderExtensions
{
    public const string GrpcEndpoint = "grpc";
    public const string RestEndpoint = "http";

    public static IResourceBuilder<ProjectResource> AddService<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        if (MonolithBuilderExtensions.Find(builder) is { } monolith)
        {
            return monolith.AddModule(builder, name);
        }
        // No launch profile: every endpoint is declared here. Kestrel is told its endpoints by name, with their protocols,
        // rather than through ASPNETCORE_URLS, which cannot say that the REST edge speaks HTTP/1.1 and the rest HTTP/2.
        var service = builder.AddProject<TProject>(name, launchProfileName: null)
            .WithEndpointsInEnvironment(_ => false)
            .WithServiceEnvironment()
            .WithKestrelEndpoint(GrpcEndpoint, "Http2", configurationPrefix: "");
        return service.WithGrpcHealthCheck([service.GetEndpoint(GrpcEndpoint)]);
    }

    /// <summary>The REST edge: an HTTP/1.1 endpoint browsers and REST clients reach, shown in the dashboard and printed when ready.</summary>
    public static IResourceBuilder<ProjectResource> WithRestEndpoint(this IResourceBuilder<ProjectResource> service)
    {
        if (MonolithBuilderExtensions.Find(service.ApplicationBuilder) is { } monolith && monolith.Modules.Contains(service.Resource))
        {
            monolith.AddModuleEndpoint(service.Resource.Name, RestEndpoint, "Http1", isExternal: true);
            return service;
        }
        return service.WithKestrelEndpoint(RestEndpoint, "Http1", configurationPrefix: "", isExternal: true);
    }

    /// <summary>A configuration value of the service (<c>Section__Key</c>), in its own process or as its module of the monolith.</summary>
    public static IResourceBuilder<ProjectResource> WithSetting(this IResourceBuilder<ProjectResource> service, string name, string value)
    {
        if (MonolithBuilderExtensions.Find(service.ApplicationBuilder) is { } monolith && monolith.Modules.Contains(service.Resource))
        {
            monolith.Process.WithEnvironment($"Modules__{service.Resource.Name}__{name}", value);
            return service;
        }
        return service.WithEnvironment(name, value);
    }

    /// <summary>A configuration value known only when the application runs (an address, a secret parameter), in the service's process or its module.</summary>
    public static IResourceBuilder<ProjectResource> WithSetting(this IResourceBuilder<ProjectResource> service, string name, ReferenceExpression value)
    {
        if (MonolithBuilderExtensions.Find(service.ApplicationBuilder) is { } monolith && monolith.Modules.Contains(service.Resource))
        {
            monolith.Process.WithEnvironment($"Modules__{service.Resource.Name}__{name}", value);
            return service;
        }
        return service.WithEnvironment(name, value);
    }

    /// <summary>The service's gRPC endpoint: its own, or its module's on the monolith.</summary>
    public static EndpointReference GrpcEndpointOf(this IResourceBuilder<ProjectResource> service) =>
        MonolithBuilderExtensions.Find(service.ApplicationBuilder) is { } monolith && monolith.Modules.Contains(service.Resource)
            ? monolith.Process.GetEndpoint($"{service.Resource.Name}-{GrpcEndpoint}")
            : service.GetEndpoint(GrpcEndpoint);

    /// <summary>What every service process gets besides its references: development-friendly Kafka consumer timing.</summary>
    internal static IResourceBuilder<ProjectResource> WithServiceEnvironment(this IResourceBuilder<ProjectResource> service) => service
        // Kafka's default session timeout (45 s) would make a restarted service wait that long for its partitions.
        .WithEnvironment("Kafka__SessionTimeoutMs", KafkaDevCluster.DevelopmentSessionTimeoutMs.ToString(CultureInfo.InvariantCulture))
        // The mock cluster holds an empty fetch for the whole wait (500 ms by default), which every event would pay.
        .WithEnvironment("Kafka__FetchWaitMaxMs", KafkaDevCluster.DevelopmentFetchWaitMaxMs.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// An endpoint the process itself listens on, on 127.0.0.1 and a port free when the AppHost starts. Not proxied by DCP:
    /// callers reach the service directly, so it sees their own addresses (the REST edge limits requests per client
    /// address) and no extra hop sits in every call. A proxy is what WithReplicas needs, which this mesh does not use.
    /// </summary>
    internal static IResourceBuilder<ProjectResource> WithKestrelEndpoint(this IResourceBuilder<ProjectResource> resource, string endpointName,
        string protocols, string configurationPrefix, bool isExternal = false, string? kestrelName = null)
    {
        var port = Loopback.FreePort();
        resource.WithHttpEndpoint(port: port, name: endpointName, isProxied: false)
            .WithEndpoint(endpointName, endpoint =>
            {
                endpoint.IsExternal = isExternal;
                endpoint.TargetHost = Loopback.Host;
            });
        kestrelName ??= endpointName;
        var url = $"http://{Loopback.Host}:{port}";
        return resource
            .WithEnvironment($"{configurationPrefix}Kestrel__Endpoints__{kestrelName}__Url", url)
            .WithEnvironment($"{configurationPrefix}Kestrel__Endpoints__{kestrelName}__Protocols", protocols);
    }

    /// <summary>Healthy when every given endpoint answers grpc.health.v1 Check("") with SERVING.</summary>
    internal static IResourceBuilder<ProjectResource> WithGrpcHealthCheck(this IResourceBuilder<ProjectResource> resource, IReadOnlyList<EndpointReference> endpoints)
    {
        var key = $"{resource.Resource.Name}-grpc-health";
        resource.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key,
            _ => new GrpcHealthCheck(() => endpoints.Select(endpoint => endpoint.Url)), HealthStatus.Unhealthy, tags: null));
        return resource.WithHealthCheck(key);
    }
}
