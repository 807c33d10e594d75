using System.Diagnostics;
using System.Text;
using ECommerce.Contracts.Events.V1;
using ECommerce.Testing;

namespace ECommerce.EventBus.Tests;

public sealed class OutboxTests(TestInfrastructure infrastructure)
{
    [Fact]
    public async Task Committed_events_reach_kafka_in_order_per_key_with_their_envelope()
    {
        await using var scenario = await EventBusScenario.CreateAsync(infrastructure);
        var users = Enumerable.Range(0, 30).Select(i => new UserRegistered { UserId = $"user-{i % 5}", Email = $"step-{i}@example.com" }).ToList();
        await scenario.RegisterAsync(users);

        var published = await scenario.CreateRelay().PublishPendingAsync(TestContext.Current.CancellationToken);
        var records = scenario.ReadAll(scenario.Topic, expected: 30);

        Assert.Equal(30, published);
        Assert.Equal(30, records.Count);
        foreach (var key in users.Select(user => user.UserId).Distinct())
        {
            var sent = users.Where(user => user.UserId == key).Select(user => user.Email);
            var received = records.Where(record => record.Message.Key == key).Select(record => UserRegistered.Parser.ParseFrom(record.Message.Value).Email);
            Assert.Equal(sent, received);
        }
        var headers = records[0].Message.Headers;
        Assert.Equal("1.0", EventHeaders.Get(headers, EventHeaders.SpecVersion));
        Assert.Equal("ecommerce.events.v1.UserRegistered", EventHeaders.Get(headers, EventHeaders.Type));
        Assert.Equal(scenario.PublisherName, EventHeaders.Get(headers, EventHeaders.Source));
        Assert.Equal("application/protobuf", EventHeaders.Get(headers, EventHeaders.ContentType));
        Assert.True(Guid.TryParse(EventHeaders.Get(headers, EventHeaders.Id), out _));
        Assert.True(DateTimeOffset.TryParse(EventHeaders.Get(headers, EventHeaders.Time), out var time) && time > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Equal(30, records.Select(record => EventHeaders.Get(record.Message.Headers, EventHeaders.Id)).Distinct().Count());
    }

    [Fact]
    public async Task A_rolled_back_transaction_publishes_nothing()
    {
        await using var scenario = await EventBusScenario.CreateAsync(infrastructure);
        await scenario.RegisterAsync([new UserRegistered { UserId = "ghost", Email = "ghost@example.com" }], commit: false);
        await scenario.RegisterAsync([new UserRegistered { UserId = "real", Email = "real@example.com" }]);

        await scenario.CreateRelay().PublishPendingAsync(TestContext.Current.CancellationToken);
        var records = scenario.ReadAll(scenario.Topic, expected: 1);

        Assert.Equal(["real"], records.Select(record => record.Message.Key));
    }

    [Fact]
    public async Task Events_left_by_a_relay_that_crashed_before_publishing_are_sent_by_the_next_one()
    {
        await using var scenario = await EventBusScenario.CreateAsync(infrastructure);
        await scenario.StartConsumerAsync();
        // Written and committed while no relay runs: the state a crash before publishing leaves.
        await scenario.RegisterAsync([new UserRegistered { UserId = "u1", Email = "u1@example.com" }, new UserRegistered { UserId = "u2", Email = "u2@example.com" }]);

        await scenario.StartPublisherAsync();
        var welcomed = await scenario.EventuallyAsync(scenario.WelcomedAsync, rows => rows.Count == 2);

        Assert.Equal(["u1", "u2"], welcomed.Keys.Order());
    }

    [Fact]
    public async Task A_relay_that_crashed_after_publishing_but_before_marking_causes_duplicates_with_exactly_one_effect()
    {
        await using var scenario = await EventBusScenario.CreateAsync(infrastructure);
        var users = Enumerable.Range(0, 10).Select(i => new UserRegistered { UserId = $"u{i}", Email = $"u{i}@example.com" }).ToList();
        await scenario.RegisterAsync(users);
        await scenario.CreateRelay().PublishPendingAsync(TestContext.Current.CancellationToken);
        // Kafka has the events, but the crash lost the "published" mark: the table looks unpublished.
        await using (var forget = scenario.Publisher.CreateCommand("UPDATE outbox_events SET published_at = NULL"))
        {
            await forget.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await scenario.StartConsumerAsync();
        await scenario.StartPublisherAsync();
        var welcomed = await scenario.EventuallyAsync(scenario.WelcomedAsync, rows => rows.Count == 10);
        var records = scenario.ReadAll(scenario.Topic, expected: 20);
        await Task.Delay(1000, TestContext.Current.CancellationToken);

        Assert.Equal(20, records.Count);
        Assert.Equal(10, (await scenario.WelcomedAsync()).Count);
        Assert.Equal(users.Select(user => user.Email).Order(), welcomed.Values.Order());
    }

    [Fact]
    public async Task Published_rows_are_deleted_on_a_schedule_so_the_outbox_stays_small()
    {
        await using var scenario = await EventBusScenario.CreateAsync(infrastructure);
        await scenario.StartConsumerAsync();
        await scenario.StartPublisherAsync(options => options with { PublishedRetention = TimeSpan.Zero, OutboxCleanupInterval = TimeSpan.FromMilliseconds(100) });

        for (var round = 0; round < 5; round++)
        {
            await scenario.RegisterAsync(Enumerable.Range(0, 10).Select(i => new UserRegistered { UserId = $"u{round}-{i}", Email = $"u{round}-{i}@example.com" }));
        }
        var welcomed = await scenario.EventuallyAsync(scenario.WelcomedAsync, rows => rows.Count == 50);
        var left = await scenario.EventuallyAsync(scenario.OutboxRowsAsync, rows => rows == 0);

        Assert.Equal(50, welcomed.Count);
        Assert.Equal(0, left);
    }

    [Fact]
    public async Task The_trace_of_the_writing_request_continues_in_the_consumer()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is EventBusTelemetry.ActivitySourceName or "test",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var requestSource = new ActivitySource("test");
        await using var scenario = await EventBusScenario.CreateAsync(infrastructure);
        await scenario.StartConsumerAsync();
        await scenario.StartPublisherAsync();

        string traceId;
        using (var request = requestSource.StartActivity("POST /v1/users:register"))
        {
            traceId = request!.TraceId.ToString();
            await scenario.RegisterAsync([new UserRegistered { UserId = "traced", Email = "traced@example.com" }]);
        }
        await scenario.EventuallyAsync(scenario.WelcomedAsync, rows => rows.Count == 1);

        await using var read = scenario.Consumer.CreateCommand("SELECT trace_id FROM welcomed WHERE user_id = 'traced'");
        Assert.Equal(traceId, await read.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_poison_event_is_retried_then_parked_in_the_dead_letter_topic_while_later_events_flow()
    {
        await using var scenario = await EventBusScenario.CreateAsync(infrastructure, partitions: 1);
        var attempts = new System.Collections.Concurrent.ConcurrentBag<string>();
        await scenario.StartConsumerAsync(attempts);
        await scenario.StartPublisherAsync();

        await scenario.RegisterAsync(
        [
            new UserRegistered { UserId = "before", Email = "before@example.com" },
            new UserRegistered { UserId = "bad", Email = "bad@example.com", DisplayName = "poison" },
            new UserRegistered { UserId = "after", Email = "after@example.com" },
        ]);
        var welcomed = await scenario.EventuallyAsync(scenario.WelcomedAsync, rows => rows.Count == 2);
        var parked = scenario.ReadAll(Consuming.EventConsumer.DeadLetterTopic(scenario.Topic), expected: 1);

        Assert.Equal(["after", "before"], welcomed.Keys.Order());
        var deadLetter = Assert.Single(parked);
        Assert.Equal("bad", deadLetter.Message.Key);
        Assert.Equal("bad@example.com", UserRegistered.Parser.ParseFrom(deadLetter.Message.Value).Email);
        Assert.Contains("cannot welcome bad", EventHeaders.Get(deadLetter.Message.Headers, EventHeaders.DeadLetterError));
        Assert.Equal(scenario.Topic, EventHeaders.Get(deadLetter.Message.Headers, EventHeaders.DeadLetterTopic));
        Assert.Equal(scenario.ConsumerName, EventHeaders.Get(deadLetter.Message.Headers, EventHeaders.DeadLetterConsumerGroup));
        Assert.Equal(3, attempts.Count(user => user == "bad"));
    }

    [Fact]
    public async Task An_unparseable_payload_is_parked_at_once_and_the_partition_moves_on()
    {
        await using var scenario = await EventBusScenario.CreateAsync(infrastructure, partitions: 1);
        await scenario.StartConsumerAsync();
        using (var producer = new Confluent.Kafka.ProducerBuilder<string, byte[]>(new Confluent.Kafka.ProducerConfig { BootstrapServers = infrastructure.Kafka.BootstrapServers }).Build())
        {
            var headers = new Confluent.Kafka.Headers { { EventHeaders.Type, Encoding.UTF8.GetBytes("ecommerce.events.v1.UserRegistered") } };
            await producer.ProduceAsync(scenario.Topic, new() { Key = "garbage", Value = [0xFF, 0xFF, 0xFF], Headers = headers }, TestContext.Current.CancellationToken);
        }
        await scenario.StartPublisherAsync();
        await scenario.RegisterAsync([new UserRegistered { UserId = "fine", Email = "fine@example.com" }]);

        var welcomed = await scenario.EventuallyAsync(scenario.WelcomedAsync, rows => rows.Count == 1);
        var parked = scenario.ReadAll(Consuming.EventConsumer.DeadLetterTopic(scenario.Topic), expected: 1);

        Assert.Equal(["fine"], welcomed.Keys);
        Assert.Contains("not a valid ecommerce.events.v1.UserRegistered", EventHeaders.Get(Assert.Single(parked).Message.Headers, EventHeaders.DeadLetterError));
    }
}
