using Aspire.Hosting.ApplicationModel;
using ECommerce.LocalInfrastructure.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace ECommerce.AppHost.Infrastructure;

/// <summary>
/// The Kafka development cluster: librdkafka's mock brokers, hosted inside the AppHost process (so they live and die
/// with it), with the declared topics created before anything waiting for it starts. <c>ConnectionStrings:&lt;name&gt;</c>
/// names a real cluster instead.
/// </summary>
public sealed class KafkaClusterResource(string name, string? existing) : Resource(name), IResourceWithConnectionString
{
    private readonly BootstrapServers _bootstrapServers = new(name, existing);

    public Dictionary<string, int> Topics { get; } = new(StringComparer.Ordinal);

    /// <summary>The brokers' ports are random, known once the cluster runs: the connection string waits for them.</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{_bootstrapServers}");

    internal bool IsStarted => _bootstrapServers.Known.Task.IsCompleted;

    /// <summary>The mock brokers the AppHost hosts (none when the connection string names a real cluster).</summary>
    internal KafkaDevCluster? Cluster { get; set; }

    internal void Started(string bootstrapServers) => _bootstrapServers.Known.TrySetResult(bootstrapServers);

    private sealed class BootstrapServers : IValueProvider, IManifestExpressionProvider
    {
        private readonly string _name;

        public BootstrapServers(string name, string? existing)
        {
            _name = name;
            if (existing is not null)
            {
                Known.SetResult(existing);
            }
        }

        public TaskCompletionSource<string> Known { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string ValueExpression => $"{{{_name}.bootstrapServers}}";

        public async ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) => await Known.Task.WaitAsync(cancellationToken);
    }
}

public static class KafkaBuilderExtensions
{
    public static IResourceBuilder<KafkaClusterResource> AddKafkaDevCluster(this IDistributedApplicationBuilder builder, string name, int brokers = 3)
    {
        var existing = builder.Configuration.GetConnectionString(name);
        var cluster = new KafkaClusterResource(name, existing);
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration($"{name}-ready",
            _ => new KafkaHealthCheck(cluster), HealthStatus.Unhealthy, tags: null));
        return builder.AddResource(cluster)
            .WithHealthCheck($"{name}-ready")
            .StartsWithTheRun((resource, run, _) =>
            {
                if (existing is not null)
                {
                    return Task.FromResult(new StartedServer());
                }
                var started = KafkaDevCluster.Start(brokers);
                foreach (var (topic, partitions) in resource.Topics)
                {
                    started.CreateTopic(topic, partitions);
                }
                resource.Cluster = started;
                resource.Started(started.BootstrapServers);
                run.Logger.LogInformation("Kafka mock cluster ({Brokers} brokers) at {BootstrapServers}, topics {Topics}",
                    brokers, started.BootstrapServers, string.Join(", ", resource.Topics.Keys));
                return Task.FromResult(new StartedServer(new Stopper(started), ProcessId: Environment.ProcessId));
            })
            .WithOutageCommands(
                stop: resource => resource.Cluster is { } brokers ? Task.Run(brokers.TakeBrokersDown) : null,
                start: (resource, _) => resource.Cluster is { } brokers ? Task.Run(brokers.BringBrokersUp) : null);
    }

    /// <summary>A topic with an exact partition count (the mock brokers do not serve Kafka's CreateTopics).</summary>
    /// <summary>Creates each of <paramref name="names"/> (the domain events' <c>EventTopics.All</c>) with that many partitions.</summary>
    public static IResourceBuilder<KafkaClusterResource> WithTopics(this IResourceBuilder<KafkaClusterResource> builder, IEnumerable<string> names, int partitions)
    {
        foreach (var name in names)
        {
            builder.WithTopic(name, partitions);
        }
        return builder;
    }

    public static IResourceBuilder<KafkaClusterResource> WithTopic(this IResourceBuilder<KafkaClusterResource> builder, string name, int partitions)
    {
        builder.Resource.Topics[name] = partitions;
        return builder;
    }

    private sealed class Stopper(KafkaDevCluster cluster) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            cluster.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Ready when the first broker accepts connections.</summary>
    private sealed class KafkaHealthCheck(KafkaClusterResource resource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (!resource.IsStarted)
            {
                return HealthCheckResult.Unhealthy("not started");
            }
            var broker = (await resource.ConnectionStringExpression.GetValueAsync(cancellationToken))!.Split(',')[0];
            var separator = broker.LastIndexOf(':');
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(broker[..separator], int.Parse(broker[(separator + 1)..], System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (System.Net.Sockets.SocketException e)
            {
                return HealthCheckResult.Unhealthy($"{broker}: {e.Message}");
            }
        }
    }
}
