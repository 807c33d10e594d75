using ECommerce.AppHost.Orchestration;
using ECommerce.LocalInfrastructure.Kafka;

namespace ECommerce.AppHost.Resources.Replicas;

/// <summary>The Kafka dev cluster inside the AppHost process, with the declared topics created.</summary>
internal sealed class KafkaReplica(KafkaResource resource) : Replica(resource.Name, resource)
{
    // The mock brokers take new ports on every start, which services already told the old ones would not
    // follow; so the cluster lives exactly as long as the AppHost.
    public override bool CanStopAlone => false;

    public override Task<IRunningReplica> StartAsync(CancellationToken cancellationToken)
    {
        var cluster = KafkaDevCluster.Start(resource.Brokers);
        foreach (var (topic, partitions) in resource.Topics)
        {
            cluster.CreateTopic(topic, partitions);
        }
        resource.PublishBootstrapServers(cluster.BootstrapServers);
        return Task.FromResult<IRunningReplica>(new RunningKafka(cluster));
    }

    private sealed class RunningKafka(KafkaDevCluster cluster) : IRunningReplica
    {
        private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly int _firstBrokerPort = int.Parse(cluster.BootstrapServers.Split(',')[0].Split(':')[^1]);

        public int? ProcessId => null;
        public string? LogFile => null;
        public IReadOnlyList<ResourceEndpoint> Endpoints { get; } =
            cluster.BootstrapServers.Split(',').Select((broker, index) => new ResourceEndpoint($"broker{index}", $"tcp://{broker}")).ToList();
        public Task Exited => _exited.Task;

        public Task<bool> IsHealthyAsync(CancellationToken cancellationToken) =>
            ProcessWatch.AcceptsConnectionsAsync(_firstBrokerPort, cancellationToken);

        public ValueTask DisposeAsync()
        {
            cluster.Dispose();
            _exited.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }
}
