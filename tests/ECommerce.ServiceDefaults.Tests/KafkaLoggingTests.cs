using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using ECommerce.Contracts.Events.V1;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using KafkaLogLevel = ECommerce.Contracts.Events.V1.LogLevel;

namespace ECommerce.ServiceDefaults.Tests;

/// <summary>Every ILogger record of a service on Kafka's logs topic, redacted, never holding up the caller.</summary>
public sealed class KafkaLoggingTests(TestInfrastructure infrastructure)
{
    private const string Category = "ECommerce.Probe.Orders";

    [Fact]
    public void A_record_arrives_with_its_service_level_template_attributes_exception_and_trace()
    {
        var topic = infrastructure.CreateTopic("logs", 1);
        using var host = LogTopic.StartHost(infrastructure.Kafka.BootstrapServers, topic);
        using var source = new ActivitySource("probe");
        using var listener = ListenTo("probe");
        using var activity = source.StartActivity("checkout")!;

        host.Logger(Category).LogError(new InvalidOperationException("stock ran out"), "Order {OrderId} failed after {Attempts} attempts", "o-42", 3);

        var message = Assert.Single(LogTopic.ReadUntil(infrastructure.Kafka.BootstrapServers, topic, records => records.Count > 0));
        var record = LogRecord.Parser.ParseFrom(message.Value);
        Assert.Equal("probe", message.Key);
        Assert.Equal("probe", record.Service);
        Assert.NotEmpty(record.Instance);
        Assert.Equal(KafkaLogLevel.Error, record.Level);
        Assert.Equal(Category, record.Category);
        Assert.Equal("Order o-42 failed after 3 attempts", record.Message);
        Assert.Equal("Order {OrderId} failed after {Attempts} attempts", record.Template);
        Assert.Equal("o-42", record.Attributes["OrderId"]);
        Assert.Equal("3", record.Attributes["Attempts"]);
        Assert.Equal("System.InvalidOperationException", record.ExceptionType);
        Assert.Contains("stock ran out", record.Exception);
        Assert.Equal(activity.TraceId.ToHexString(), record.TraceId);
        Assert.Equal(activity.SpanId.ToHexString(), record.SpanId);
        Assert.True(Math.Abs((record.Time.ToDateTime() - DateTime.UtcNow).TotalMinutes) < 1);
    }

    [Fact]
    public void Credentials_card_numbers_and_tokens_never_leave_the_process_and_email_addresses_are_masked()
    {
        var topic = infrastructure.CreateTopic("logs", 1);
        using var host = LogTopic.StartHost(infrastructure.Kafka.BootstrapServers, topic);
        var logger = host.Logger(Category);
        const string jwt = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl";

        logger.LogWarning("Sign-in of {Email} with {Password}", "alice.smith@shop.example", "hunter2-secret");
        logger.LogWarning("Header Authorization: Bearer {Raw}", "opaque-access-token-1");
        logger.LogWarning("Forwarded token " + jwt + " and password=letmein99 and client_secret: s3cr3t-value");
        logger.LogWarning("Card {Card} declined; also 5555-5555-5555-4444 and 378282246310005", "4111 1111 1111 1111");
        logger.LogWarning("Refresh {RefreshToken} {ApiKey} {cvc}", "rt-opaque-value", "key-opaque-value", "737");
        logger.LogError(new InvalidOperationException("payload {\"password\":\"pa55word!\",\"email\":\"bob@mail.example\"}"), "Request failed");

        var messages = LogTopic.ReadUntil(infrastructure.Kafka.BootstrapServers, topic, records => records.Count >= 6);
        Assert.Equal(6, messages.Count);
        var everything = string.Join("\n", messages.Select(message => Encoding.UTF8.GetString(message.Value)));
        foreach (var secret in new[]
                 {
                     "alice.smith", "hunter2-secret", "opaque-access-token-1", jwt, "eyJzdWIiOiIxMjMifQ", "letmein99", "s3cr3t-value",
                     "4111 1111 1111 1111", "5555-5555-5555-4444", "378282246310005", "rt-opaque-value", "key-opaque-value", "737",
                     "pa55word!", "bob@",
                 })
        {
            Assert.DoesNotContain(secret, everything);
        }
        var records = messages.Records();
        Assert.Equal("Sign-in of a***@shop.example with [REDACTED]", records[0].Message);
        Assert.Equal("[REDACTED]", records[0].Attributes["Password"]);
        Assert.Equal("a***@shop.example", records[0].Attributes["Email"]);
        Assert.Equal("Header Authorization: Bearer [REDACTED]", records[1].Message);
        Assert.Equal("[REDACTED]", records[1].Attributes["Raw"]);
        Assert.Contains("b***@mail.example", records[5].Exception);
    }

    [Fact]
    public async Task A_record_logged_on_any_thread_of_the_pool_arrives()
    {
        var topic = infrastructure.CreateTopic("logs", 1);
        using var host = LogTopic.StartHost(infrastructure.Kafka.BootstrapServers, topic);
        var logger = host.Logger(Category);
        logger.LogWarning("Sink started");
        // Once this record is on the topic the sender has waited on an empty buffer at least once, so it has left the
        // pool thread it started on: a request logging on that thread must still be heard.
        LogTopic.ReadUntil(infrastructure.Kafka.BootstrapServers, topic, records => records.Count > 0);

        // One record from each of more work items than the pool has threads, all running at once: every pool thread logs.
        var threads = ThreadPool.ThreadCount + 4;
        using var together = new Barrier(threads);
        var logged = Enumerable.Range(0, threads).Select(number => Task.Factory.StartNew(() =>
        {
            together.SignalAndWait(TimeSpan.FromSeconds(60));
            logger.LogWarning("From work item {Number} on thread {Thread}", number, Environment.CurrentManagedThreadId);
        }, CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default)).ToArray();
        await Task.WhenAll(logged).WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);

        var records = LogTopic.ReadUntil(infrastructure.Kafka.BootstrapServers, topic, records => records.Count >= threads + 1).Records();
        Assert.Equal(Enumerable.Range(0, threads),
            records.Where(record => record.Attributes.ContainsKey("Number")).Select(record => int.Parse(record.Attributes["Number"])).Order());
    }

    [Fact]
    public void Records_are_numbered_from_one_without_a_gap_in_capture_order_and_a_new_sink_starts_a_new_run()
    {
        var topic = infrastructure.CreateTopic("logs", 1);
        using (var first = LogTopic.StartHost(infrastructure.Kafka.BootstrapServers, topic))
        {
            for (var number = 0; number < 20; number++)
            {
                first.Logger(Category).LogInformation("Record {Number}", number);
            }
            LogTopic.ReadUntil(infrastructure.Kafka.BootstrapServers, topic, records => records.Count >= 20);
        }
        using var second = LogTopic.StartHost(infrastructure.Kafka.BootstrapServers, topic);
        second.Logger(Category).LogInformation("After the restart");
        second.Logger(Category).LogInformation("And once more");

        var records = LogTopic.ReadUntil(infrastructure.Kafka.BootstrapServers, topic, records => records.Count >= 22).Records();
        Assert.Equal(22, records.Count);
        var (before, after) = (records[..20], records[20..]);
        Assert.Equal(Enumerable.Range(1, 20).Select(number => (long)number), before.Select(record => record.Sequence));
        Assert.Equal(Enumerable.Range(0, 20).Select(number => number.ToString()), before.Select(record => record.Attributes["Number"]));
        Assert.Equal([1L, 2L], after.Select(record => record.Sequence));
        Assert.Single(before.Select(record => record.RunId).Distinct());
        Assert.Single(after.Select(record => record.RunId).Distinct());
        Assert.True(Guid.TryParse(before[0].RunId, out _), before[0].RunId);
        Assert.True(Guid.TryParse(after[0].RunId, out _), after[0].RunId);
        // The same process and so the same instance, as an Aspire resource restarted keeps its service.instance.id: only
        // the run tells the two apart, and with it that sequence 1 starting again is not a duplicate.
        Assert.Equal(before[0].Instance, after[0].Instance);
        Assert.NotEqual(before[0].RunId, after[0].RunId);
    }

    [Fact]
    public void A_record_that_cannot_be_captured_leaves_a_gap_that_a_drop_report_accounts_for()
    {
        var topic = infrastructure.CreateTopic("logs", 1);
        using var host = LogTopic.StartHost(infrastructure.Kafka.BootstrapServers, topic);
        var logger = host.Logger(Category);

        logger.LogInformation("Before");
        logger.LogInformation("Unprintable {Value}", new Unprintable());
        logger.LogInformation("After");

        var records = LogTopic.ReadUntil(infrastructure.Kafka.BootstrapServers, topic,
            records => records.Any(record => record.Attributes.ContainsKey("DroppedRecords"))).Records();
        var report = Assert.Single(records, record => record.Attributes.ContainsKey("DroppedRecords"));
        Assert.Equal("1", report.Attributes["DroppedRecords"]);
        Assert.Equal(0, report.Sequence);
        Assert.Equal(records[0].RunId, report.RunId);
        Assert.Equal([("Before", 1L), ("After", 3L)], records.Where(record => record != report).Select(record => (record.Message, record.Sequence)));
    }

    [Fact]
    public void With_the_sink_switched_off_no_record_is_sent()
    {
        var topic = infrastructure.CreateTopic("logs", 1);
        using var host = LogTopic.StartHost(infrastructure.Kafka.BootstrapServers, topic, [new("Logging:Kafka:Enabled", "false")]);

        host.Logger(Category).LogWarning("Not for Kafka");
        using var probe = LogTopic.StartHost(infrastructure.Kafka.BootstrapServers, topic);
        probe.Logger(Category).LogWarning("Marker");

        var records = LogTopic.ReadUntil(infrastructure.Kafka.BootstrapServers, topic, records => records.Any(record => record.Message == "Marker")).Records();
        Assert.DoesNotContain(records, record => record.Message == "Not for Kafka");
        Assert.DoesNotContain(host.Services.GetServices<ILoggerProvider>(), provider => provider.GetType().Name == "KafkaLoggerProvider");
    }

    [Fact]
    public void While_the_brokers_are_down_a_full_buffer_drops_the_oldest_records_and_reports_how_many_once_kafka_is_back()
    {
        // A cluster of its own: its brokers go down, and the other tests' must not.
        using var kafka = KafkaDevCluster.Start();
        var topic = TestInfrastructure.UniqueName("logs");
        kafka.CreateTopic(topic, 1);
        using var host = LogTopic.StartHost(kafka.BootstrapServers, topic, [new("Logging:Kafka:BufferSize", "50"), new("Logging:Kafka:MaxInFlight", "5")]);
        using var droppedMetric = new CounterTotal(host.Services.GetRequiredService<IMeterFactory>(), "ecommerce.logs.dropped");
        var logger = host.Logger(Category);
        logger.LogInformation("Record {Number}", -1);
        LogTopic.ReadUntil(kafka.BootstrapServers, topic, records => records.Count > 0);

        kafka.TakeBrokersDown();
        for (var number = 0; number < 500; number++)
        {
            logger.LogInformation("Record {Number}", number);
        }
        kafka.BringBrokersUp();

        // Until the report and every record it does not count are read: after the outage the client retries its batches,
        // and a batch that failed first can land after later ones.
        var records = LogTopic.ReadUntil(kafka.BootstrapServers, topic, records =>
            records.FirstOrDefault(record => record.Attributes.ContainsKey("DroppedRecords")) is { } report
            && Numbers(records).Count >= 500 - long.Parse(report.Attributes["DroppedRecords"])).Records();
        var arrived = Numbers(records);
        var read = string.Join(", ", records.Select(record => record.Attributes.GetValueOrDefault("Number") ?? record.Message));
        // The newest 50 (the buffer) all arrive; of the older ones, only the few the sender had already taken: at most
        // MaxInFlight waiting in the Kafka client and one in hand, waiting for a slot.
        Assert.True(arrived.IsSupersetOf(Enumerable.Range(450, 50)), read);
        Assert.True(arrived.Count <= 50 + 5 + 1, read);
        var report = Assert.Single(records, record => record.Attributes.ContainsKey("DroppedRecords"));
        Assert.Equal(KafkaLogLevel.Warning, report.Level);
        Assert.True($"{500 - arrived.Count} log records were dropped: the buffer of 50 records for Kafka was full" == report.Message, read);
        Assert.Equal(500 - arrived.Count, droppedMetric.Total);
        // The Kafka client's complaints while the brokers were away are not records on the topic.
        Assert.DoesNotContain(records, record => record.Category.StartsWith("Confluent", StringComparison.Ordinal)
                                                 || (record.Category.StartsWith("ECommerce.ServiceDefaults", StringComparison.Ordinal) && record != report));

        // What a receiver can check without knowing the numbers logged: the gaps inside the run's sequence are exactly
        // the drops it reported. Numbers follow capture order: record -1 took 1, record N took N + 2.
        Assert.Single(records.Select(record => record.RunId).Distinct());
        Assert.Equal(0, report.Sequence);
        var numbered = records.Where(record => record != report).ToList();
        Assert.All(numbered, record => Assert.Equal(int.Parse(record.Attributes["Number"]) + 2, record.Sequence));
        var sequences = numbered.Select(record => record.Sequence).ToHashSet();
        Assert.Equal(501, sequences.Max());
        Assert.Equal(long.Parse(report.Attributes["DroppedRecords"]), sequences.Max() - sequences.Count);
    }

    /// <summary>A value whose text cannot be had: the record logging it cannot be captured.</summary>
    private sealed class Unprintable
    {
        public override string ToString() => throw new InvalidOperationException("no text");
    }

    /// <summary>The distinct numbers of the "Record {Number}" records logged during the outage.</summary>
    private static HashSet<int> Numbers(IEnumerable<LogRecord> records) =>
        records.Where(record => record.Template == "Record {Number}").Select(record => int.Parse(record.Attributes["Number"])).Where(number => number >= 0).ToHashSet();

    /// <summary>The running total of one counter of the meters a host's <see cref="IMeterFactory"/> made (not another host's in this process).</summary>
    private sealed class CounterTotal : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _total;

        public CounterTotal(IMeterFactory meters, string name)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Name == name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public void Dispose() => _listener.Dispose();
    }

    private static ActivityListener ListenTo(string source)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = candidate => candidate.Name == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
