using System.Diagnostics;
using Confluent.Kafka;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.Testing;

namespace ECommerce.LocalInfrastructure.Tests;

public sealed class KafkaTests(TestInfrastructure infrastructure)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Two_consumers_in_one_group_split_the_partitions_and_a_new_consumer_resumes_from_committed_offsets()
    {
        var topic = infrastructure.CreateTopic("orders", partitions: 4);
        var group = TestInfrastructure.UniqueName("group");
        using var first = CreateConsumer(group);
        using var second = CreateConsumer(group);
        first.Subscribe(topic);
        second.Subscribe(topic);
        var clock = Stopwatch.StartNew();
        while ((first.Assignment.Count == 0 || second.Assignment.Count == 0) && clock.Elapsed < Patience)
        {
            first.Consume(TimeSpan.FromMilliseconds(50));
            second.Consume(TimeSpan.FromMilliseconds(50));
        }
        await ProduceAsync(topic, Enumerable.Range(0, 200).Select(i => ($"order-{i}", $"placed-{i}")));

        var received = new HashSet<string>();
        var receivedBy = new Dictionary<IConsumer<string, string>, int> { [first] = 0, [second] = 0 };
        clock.Restart();
        while (received.Count < 200 && clock.Elapsed < Patience)
        {
            foreach (var consumer in new[] { first, second })
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
                {
                    received.Add(result.Message.Value);
                    receivedBy[consumer]++;
                }
            }
        }
        first.Commit();
        second.Commit();

        Assert.Equal(200, received.Count);
        Assert.Equal(4, first.Assignment.Count + second.Assignment.Count);
        Assert.Empty(first.Assignment.Intersect(second.Assignment));
        Assert.All(receivedBy.Values, count => Assert.True(count > 0, "each consumer handles its own share of the partitions"));
        first.Close();
        second.Close();

        await ProduceAsync(topic, Enumerable.Range(200, 10).Select(i => ($"order-{i}", $"placed-{i}")));
        using var successor = CreateConsumer(group);
        successor.Subscribe(topic);
        var afterRestart = new List<string>();
        clock.Restart();
        while (afterRestart.Count < 10 && clock.Elapsed < Patience)
        {
            if (successor.Consume(TimeSpan.FromMilliseconds(200)) is { } result)
            {
                afterRestart.Add(result.Message.Value);
            }
        }

        Assert.Equal(Enumerable.Range(200, 10).Select(i => $"placed-{i}").Order(), afterRestart.Order());
        successor.Close();
    }

    [Fact]
    public async Task Kcat_reads_what_dotnet_produced()
    {
        var topic = infrastructure.CreateTopic("kcat", partitions: 1);
        var messages = Enumerable.Range(0, 50).Select(i => ($"key-{i}", $"value-{i}")).ToList();
        await ProduceAsync(topic, messages);

        var kcat = Process.Start(new ProcessStartInfo("kcat",
            ["-b", infrastructure.Kafka.BootstrapServers, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%k=%s\n"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Patience);
        var output = await kcat.StandardOutput.ReadToEndAsync(timeout.Token);
        await kcat.WaitForExitAsync(timeout.Token);

        Assert.Equal(0, kcat.ExitCode);
        Assert.Equal(messages.Select(m => $"{m.Item1}={m.Item2}"), output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Topics_are_created_with_the_requested_partition_count()
    {
        var topic = infrastructure.CreateTopic("partitions", partitions: 6);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = infrastructure.Kafka.BootstrapServers }).Build();

        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));

        Assert.Equal(6, metadata.Topics.Single().Partitions.Count);
        Assert.Equal(infrastructure.Kafka.BrokerCount, metadata.Brokers.Count);
        Assert.All(metadata.Brokers, broker => Assert.Equal("127.0.0.1", broker.Host));
    }

    private async Task ProduceAsync(string topic, IEnumerable<(string Key, string Value)> messages)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = infrastructure.Kafka.BootstrapServers,
            EnableIdempotence = true,
        }).Build();
        foreach (var (key, value) in messages)
        {
            await producer.ProduceAsync(topic, new Message<string, string> { Key = key, Value = value }, TestContext.Current.CancellationToken);
        }
    }

    private IConsumer<string, string> CreateConsumer(string group) =>
        new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = infrastructure.Kafka.BootstrapServers,
            GroupId = group,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            SessionTimeoutMs = KafkaDevCluster.DevelopmentSessionTimeoutMs,
        }).Build();
}
