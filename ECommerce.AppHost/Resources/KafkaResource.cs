using ECommerce.AppHost.Orchestration;
using ECommerce.AppHost.Resources.Replicas;

namespace ECommerce.AppHost.Resources;

/// <summary>
/// The Kafka dev cluster (librdkafka's mock brokers, hosted inside the AppHost), with its topics created
/// before anything that waits for it starts. Its bootstrap servers are <c>ConnectionStrings__&lt;name&gt;</c>.
/// </summary>
public sealed class KafkaResource : Resource, IResourceWithConnectionString
{
    private readonly Dictionary<string, int> _topics = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<string> _bootstrapServers = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal KafkaResource(string name, int brokers) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        Brokers = brokers;
    }

    public override string Kind => "Kafka";

    public int Brokers { get; }

    /// <summary>Topic name → partition count.</summary>
    public IReadOnlyDictionary<string, int> Topics => _topics;

    public string ConnectionName => Name;

    public Resource Owner => this;

    public KafkaResource WithTopic(string name, int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        _topics[name] = partitions;
        return this;
    }

    public Task<string> GetConnectionStringAsync(CancellationToken cancellationToken) => _bootstrapServers.Task.WaitAsync(cancellationToken);

    internal void PublishBootstrapServers(string bootstrapServers) => _bootstrapServers.TrySetResult(bootstrapServers);

    internal override IReadOnlyList<Replica> CreateReplicas(RunContext context) => [new KafkaReplica(this)];
}
