using System.Runtime.InteropServices;
using System.Text;

namespace ECommerce.LocalInfrastructure.Kafka;

/// <summary>
/// A Kafka cluster for development and tests: librdkafka's built-in mock cluster, a real
/// Kafka-protocol broker set on loopback hosted inside this process. Any Kafka client can connect
/// to <see cref="BootstrapServers"/>.
/// </summary>
/// <remarks>
/// Limits: data lives in memory only and dies with the hosting process; each partition keeps about
/// 5 MiB / 100,000 messages (the oldest are dropped silently); ports are random; auto-created topics
/// get 4 partitions. Production points the same clients at a real cluster instead.
/// </remarks>
public sealed class KafkaDevCluster : IDisposable
{
    private const string Resource = "Kafka dev cluster";

    /// <summary>
    /// Consumers in development use this session timeout: with Kafka's default (45 s) a member
    /// re-joining an emptied group waits that long for the old member to expire.
    /// </summary>
    public const int DevelopmentSessionTimeoutMs = 6000;

    /// <summary>
    /// Consumers in development use this fetch wait: the mock cluster answers a fetch that finds no
    /// data only once the wait is over, even if events arrive meanwhile, so Kafka's default (500 ms)
    /// would add up to half a second to every event's lag. A real broker answers at once.
    /// </summary>
    public const int DevelopmentFetchWaitMaxMs = 10;

    private readonly IntPtr _handle;
    private readonly IntPtr _cluster;
    private bool _disposed;

    private KafkaDevCluster(IntPtr handle, IntPtr cluster, int brokerCount)
    {
        _handle = handle;
        _cluster = cluster;
        BrokerCount = brokerCount;
        BootstrapServers = Marshal.PtrToStringUTF8(MockClusterNative.rd_kafka_mock_cluster_bootstraps(cluster))!;
    }

    public string BootstrapServers { get; }
    public int BrokerCount { get; }

    public static KafkaDevCluster Start(int brokerCount = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, 1);
        Librdkafka.EnsureLoaded();
        var error = new byte[512];
        var configuration = MockClusterNative.rd_kafka_conf_new();
        // The hosting handle never connects anywhere; keep it from warning about that.
        MockClusterNative.rd_kafka_conf_set(configuration, "log_level", "3", error, (nuint)error.Length);
        var handle = MockClusterNative.rd_kafka_new(MockClusterNative.ProducerType, configuration, error, (nuint)error.Length);
        if (handle == IntPtr.Zero)
        {
            throw new InfrastructureException(Resource, $"librdkafka could not create a client handle: {Encoding.UTF8.GetString(error).TrimEnd('\0')}.",
                "check that Confluent.Kafka's native library (runtimes/linux-x64/native) was copied to the output folder.");
        }
        var cluster = MockClusterNative.rd_kafka_mock_cluster_new(handle, brokerCount);
        if (cluster == IntPtr.Zero)
        {
            MockClusterNative.rd_kafka_destroy(handle);
            throw new InfrastructureException(Resource, "librdkafka could not start the mock brokers (no free loopback ports?).",
                "check that 127.0.0.1 is up and ports can be bound.");
        }
        return new KafkaDevCluster(handle, cluster, brokerCount);
    }

    /// <summary>Creates a topic with an exact partition count (Kafka's admin CreateTopics is not served by the mock brokers).</summary>
    public void CreateTopic(string name, int partitions, int replicationFactor = 1)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        var code = MockClusterNative.rd_kafka_mock_topic_create(_cluster, name, partitions, replicationFactor);
        if (code != 0)
        {
            var reason = Marshal.PtrToStringUTF8(MockClusterNative.rd_kafka_err2str(code));
            throw new InfrastructureException(Resource, $"could not create topic '{name}' with {partitions} partitions: {reason}.",
                "use a valid topic name (letters, digits, '.', '_', '-') and a replication factor no larger than the broker count.");
        }
    }

    /// <summary>
    /// Takes every broker down, as an outage would: open connections are closed and new ones refused until
    /// <see cref="BringBrokersUp"/>. What the brokers hold is kept.
    /// </summary>
    public void TakeBrokersDown() => SetBrokers(MockClusterNative.rd_kafka_mock_broker_set_down, "down");

    /// <summary>Lets clients connect to every broker again.</summary>
    public void BringBrokersUp() => SetBrokers(MockClusterNative.rd_kafka_mock_broker_set_up, "up");

    private void SetBrokers(Func<IntPtr, int, int> change, string state)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // The mock cluster numbers its brokers from 1.
        for (var broker = 1; broker <= BrokerCount; broker++)
        {
            var code = change(_cluster, broker);
            if (code != 0)
            {
                throw new InfrastructureException(Resource, $"could not set broker {broker} {state}: {Marshal.PtrToStringUTF8(MockClusterNative.rd_kafka_err2str(code))}.",
                    "use a librdkafka with the mock cluster's broker controls (2.x).");
            }
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        MockClusterNative.rd_kafka_mock_cluster_destroy(_cluster);
        MockClusterNative.rd_kafka_destroy(_handle);
    }
}
