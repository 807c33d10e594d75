using System.Collections.Concurrent;
using ECommerce.Contracts.Events.V1;
using ECommerce.EventBus.Consuming;
using ECommerce.LocalInfrastructure.Processes;
using ECommerce.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.EventBus.Tests;

/// <summary>
/// The consumer handles what a poll returns in one transaction per partition. These tests publish
/// whole batches before the consumer starts, so its first poll sees them together.
/// </summary>
public sealed class BatchConsumerTests(TestInfrastructure infrastructure)
{
    [Fact]
    public async Task A_handler_failure_in_the_middle_of_a_batch_loses_repeats_and_reorders_nothing()
    {
        await using var scenario = await EventBusScenario.CreateAsync(infrastructure, partitions: 1);
        var users = Users(20, flaky: 10);
        await scenario.RegisterAsync(users);
        await scenario.CreateRelay().PublishPendingAsync(TestContext.Current.CancellationToken);
        var attempts = new ConcurrentBag<string>();

        await scenario.StartConsumerAsync(attempts);
        await scenario.EventuallyAsync(scenario.HandledAsync, rows => rows.Count >= 20);
        await Task.Delay(500, TestContext.Current.CancellationToken);

        Assert.Equal(users.Select(user => user.UserId), (await scenario.HandledAsync()).Select(row => row.UserId));
        Assert.Equal(20, (await scenario.WelcomedAsync()).Count);
        Assert.Equal(2, attempts.Count(user => user == "user-10"));
        Assert.All(users.Skip(11), user => Assert.Single(attempts, attempt => attempt == user.UserId));
        Assert.Empty(scenario.ReadAll(EventConsumer.DeadLetterTopic(scenario.Topic), expected: 0));
    }

    [Fact]
    public async Task A_poison_event_inside_a_batch_is_parked_and_the_rest_of_the_batch_is_handled_in_order()
    {
        await using var scenario = await EventBusScenario.CreateAsync(infrastructure, partitions: 1);
        var users = Users(20, poison: 7);
        await scenario.RegisterAsync(users);
        await scenario.CreateRelay().PublishPendingAsync(TestContext.Current.CancellationToken);
        var attempts = new ConcurrentBag<string>();

        await scenario.StartConsumerAsync(attempts);
        await scenario.EventuallyAsync(scenario.HandledAsync, rows => rows.Count >= 19);
        var parked = scenario.ReadAll(EventConsumer.DeadLetterTopic(scenario.Topic), expected: 1);

        Assert.Equal(users.Where(user => user.UserId != "user-7").Select(user => user.UserId), (await scenario.HandledAsync()).Select(row => row.UserId));
        Assert.Equal("user-7", Assert.Single(parked).Message.Key);
        Assert.Equal(3, attempts.Count(user => user == "user-7"));
        Assert.All(users.Skip(8), user => Assert.Single(attempts, attempt => attempt == user.UserId));
    }

    [Fact]
    public async Task A_consumer_killed_between_its_database_commit_and_its_offset_commit_leaves_exactly_one_effect_per_event()
    {
        await using var scenario = await EventBusScenario.CreateAsync(infrastructure, partitions: 1);
        var users = Users(10);
        await scenario.RegisterAsync(users);
        await scenario.CreateRelay().PublishPendingAsync(TestContext.Current.CancellationToken);

        // A consumer process that commits offsets only hourly: once its transaction has committed,
        // killing it outright is a crash between the database commit and the offset commit.
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__kafka"] = infrastructure.Kafka.BootstrapServers,
            ["ConnectionStrings__consumer"] = scenario.ConsumerDatabase,
            ["Consumer__Topic"] = scenario.Topic,
            ["Consumer__Group"] = scenario.ConsumerName,
        };
        await using (var process = await ChildProcess.StartAsync("test consumer", "dotnet", [Path.Combine(AppContext.BaseDirectory, "ECommerce.EventBus.TestConsumer.dll")],
            Path.Combine(Path.GetTempPath(), $"ecommerce-test-consumer-{Guid.NewGuid():N}.log"), environment: environment))
        {
            var before = await scenario.EventuallyAsync(scenario.HandledAsync, rows => rows.Count == 10 || process.HasExited, TimeSpan.FromSeconds(60));
            Assert.True(before.Count == 10, process.LogTail());
            await process.StopAsync(ChildProcess.SigKill);
        }
        Assert.Null(scenario.CommittedOffset(0));

        var attempts = new ConcurrentBag<string>();
        await scenario.StartConsumerAsync(attempts);
        await scenario.RegisterAsync([new UserRegistered { UserId = "after-crash", Email = "after-crash@example.com" }]);
        await scenario.StartPublisherAsync();
        var handled = await scenario.EventuallyAsync(scenario.HandledAsync, rows => rows.Count >= 11);
        await Task.Delay(500, TestContext.Current.CancellationToken);

        Assert.Equal([.. users.Select(user => user.UserId), "after-crash"], (await scenario.HandledAsync()).Select(row => row.UserId));
        Assert.Equal(["process"], handled.Take(10).Select(row => row.Consumer).Distinct());
        // The new consumer read all ten again (nothing was committed) and dropped them as duplicates.
        Assert.Equal(["after-crash"], attempts);
        Assert.Equal(11, await scenario.EventuallyAsync(() => Task.FromResult(scenario.CommittedOffset(0)), offset => offset == 11));
    }

    [Fact]
    public async Task Events_of_one_key_keep_their_order_across_batches_and_rebalances()
    {
        await using var scenario = await EventBusScenario.CreateAsync(infrastructure, partitions: 4);
        const int Keys = 8;
        var next = 0;
        List<UserRegistered> Round(int perKey) =>
            [.. Enumerable.Range(0, perKey).SelectMany(_ => Enumerable.Range(0, Keys).Select(key => new UserRegistered
            {
                UserId = $"key{key}-{next++}",
                Email = $"key{key}@example.com",
            }))];
        static string KeyOf(UserRegistered user) => user.UserId.Split('-')[0];
        var sent = new List<UserRegistered>();
        async Task PublishAsync(int rounds)
        {
            for (var round = 0; round < rounds; round++)
            {
                var events = Round(5);
                sent.AddRange(events);
                await scenario.RegisterAsync(events, keyOf: KeyOf);
                await Task.Delay(20);
            }
        }
        await scenario.StartPublisherAsync();
        var first = await scenario.StartConsumerAsync(instance: "first");

        await PublishAsync(10);
        await scenario.StartConsumerAsync(instance: "second");
        await PublishAsync(10);
        await scenario.StopAsync(first);
        await PublishAsync(10);
        var handled = await scenario.EventuallyAsync(scenario.HandledAsync, rows => rows.Count >= sent.Count, TimeSpan.FromSeconds(60));
        await Task.Delay(1000, TestContext.Current.CancellationToken);
        handled = await scenario.HandledAsync();

        Assert.Equal(sent.Count, handled.Count);
        foreach (var key in sent.Select(KeyOf).Distinct())
        {
            Assert.Equal(sent.Where(user => KeyOf(user) == key).Select(user => user.UserId),
                handled.Where(row => row.Key == key).Select(row => row.UserId));
        }
        Assert.Equal(["first", "second"], handled.Select(row => row.Consumer).Distinct().Order());
        Assert.Equal("second", handled[^1].Consumer);
    }

    [Fact]
    public async Task The_partitions_of_one_poll_are_handled_at_the_same_time()
    {
        await using var scenario = await EventBusScenario.CreateAsync(infrastructure, partitions: 4);
        await scenario.RegisterAsync(Users(16));
        await scenario.CreateRelay().PublishPendingAsync(TestContext.Current.CancellationToken);
        var meeting = new Meeting();

        await scenario.StartConsumerAsync(services =>
        {
            services.AddSingleton(meeting);
            services.AddEventHandler<UserRegistered, MeetingHandler>(scenario.Topic);
        });
        await scenario.EventuallyAsync(() => Task.FromResult(meeting.Handled), handled => handled == 16, TimeSpan.FromSeconds(60));

        Assert.Equal(16, meeting.Handled);
        Assert.True(meeting.MostPartitionsAtOnce >= 2, $"at most {meeting.MostPartitionsAtOnce} partition(s) were in a handler at once");
    }

    private static List<UserRegistered> Users(int count, int? flaky = null, int? poison = null) =>
        [.. Enumerable.Range(0, count).Select(i => new UserRegistered
        {
            UserId = $"user-{i}",
            Email = $"user-{i}@example.com",
            DisplayName = i == flaky ? "flaky" : i == poison ? "poison" : "",
        })];

    /// <summary>
    /// Holds each handler until a handler of another partition has come in too (or 5 s have passed),
    /// and counts how many partitions were inside at once: one at a time means no parallelism.
    /// </summary>
    private sealed class Meeting
    {
        private readonly Dictionary<int, int> _inside = [];
        private readonly TaskCompletionSource _met = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _handled;

        public int MostPartitionsAtOnce { get; private set; }
        public int Handled => Volatile.Read(ref _handled);

        public async Task AttendAsync(int partition)
        {
            lock (_inside)
            {
                _inside[partition] = _inside.GetValueOrDefault(partition) + 1;
                MostPartitionsAtOnce = Math.Max(MostPartitionsAtOnce, _inside.Count);
                if (_inside.Count >= 2)
                {
                    _met.TrySetResult();
                }
            }
            await Task.WhenAny(_met.Task, Task.Delay(TimeSpan.FromSeconds(5)));
            lock (_inside)
            {
                if (--_inside[partition] == 0)
                {
                    _inside.Remove(partition);
                }
            }
            Interlocked.Increment(ref _handled);
        }
    }

    private sealed class MeetingHandler(Meeting meeting) : IEventHandler<UserRegistered>
    {
        public Task HandleAsync(UserRegistered @event, EventContext context, CancellationToken cancellationToken) => meeting.AttendAsync(context.Partition);
    }
}
