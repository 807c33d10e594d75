using System.Diagnostics;
using Confluent.Kafka;
using ECommerce.Contracts.Events;
using ECommerce.Contracts.Events.V1;
using ECommerce.Contracts.Logging.V1;
using ECommerce.Logging.Ingestion;
using ECommerce.Testing;
using Google.Protobuf;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using Microsoft.Extensions.DependencyInjection;
using Metadata = Grpc.Core.Metadata;

namespace ECommerce.Logging.Tests;

/// <summary>
/// What the tests of the assembly share: the infrastructure, a Users process sending its logs to Kafka, one Logging
/// service on Kestrel consuming them, and the tokens of every kind of caller. Tests keep apart by service names of their own.
/// </summary>
public sealed class LoggingTestEnvironment : IAsyncLifetime
{
    private IProducer<string, byte[]>? _producer;

    public TestInfrastructure Infrastructure { get; } = new();
    public UsersForTests Users { get; private set; } = null!;
    public ServiceOnKestrel<LoggingOptions> Logging { get; private set; } = null!;
    public string LoggingDatabase { get; private set; } = "";
    public LoggingService.LoggingServiceClient Client { get; private set; } = null!;
    public Metadata Admin { get; private set; } = null!;
    public Metadata Customer { get; private set; } = null!;
    public Metadata Service { get; private set; } = null!;

    public IServiceProvider Services => Logging.Services;

    public async ValueTask InitializeAsync()
    {
        Infrastructure.Kafka.CreateTopic(EventTopics.Logs, 4);
        Infrastructure.Kafka.CreateTopic(EventTopics.LoggingAlerts, 1);
        Users = await UsersForTests.StartAsync(Infrastructure, Infrastructure.Kafka.BootstrapServers, SendsLogs);
        LoggingDatabase = await Infrastructure.CreateDatabaseAsync("logging");
        Logging = await StartLoggingAsync(LoggingDatabase, Infrastructure.Kafka.BootstrapServers, Users);
        Client = new LoggingService.LoggingServiceClient(Logging.Channel);
        _producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = Infrastructure.Kafka.BootstrapServers, LingerMs = 1 }).Build();
        Admin = UsersForTests.Bearer(await Users.AdminTokenAsync());
        Customer = UsersForTests.Bearer(await Users.CustomerTokenAsync());
        Service = UsersForTests.Bearer(await Users.ServiceTokenAsync("orders"));
    }

    /// <summary>A service process's settings that send its warnings and errors to the logs topic.</summary>
    public static IReadOnlyDictionary<string, string> SendsLogs { get; } = new Dictionary<string, string> { ["Logging__Kafka__Enabled"] = "true" };

    /// <summary>A Logging service on Kestrel, once its consumer has its partitions. The timers are left to the tests, which call the keepers.</summary>
    public static async Task<ServiceOnKestrel<LoggingOptions>> StartLoggingAsync(string database, string kafka, UsersForTests users)
    {
        var logging = ServiceOnKestrel<LoggingOptions>.Start(
        [
            new("ConnectionStrings:logging", database),
            .. TestInfrastructure.KafkaSettings(kafka),
            users.DiscoverySetting,
            new("Logs:SpikeCheckInterval", "01:00:00"),
            new("Logs:TailPollInterval", "00:00:00.100"),
            new("Logs:TailSettle", "00:00:00.200"),
        ]);
        await logging.Services.GetRequiredService<LogIngestor>().Assigned.WaitAsync(TimeSpan.FromSeconds(60));
        return logging;
    }

    /// <summary>Records as another service would send them: LogRecords on the logs topic, keyed by service.</summary>
    public async Task SendAsync(params LogRecord[] records)
    {
        foreach (var record in records)
        {
            await _producer!.ProduceAsync(EventTopics.Logs, new Message<string, byte[]> { Key = record.Service, Value = record.ToByteArray() });
        }
    }

    public static LogRecord Record(string service, string message, LogLevel level = LogLevel.Information, DateTime? time = null, string traceId = "") => new()
    {
        Time = Timestamp.FromDateTime(time ?? DateTime.UtcNow),
        Service = service,
        Instance = $"{service}-1",
        Level = level,
        Category = $"ECommerce.{service}",
        Message = message,
        Template = message,
        TraceId = traceId,
    };

    /// <summary>Queries until <paramref name="done"/> holds (every 50 ms, at most 30 s) and returns the last answer.</summary>
    public Task<QueryLogsResponse> QueryUntilAsync(QueryLogsRequest request, Func<QueryLogsResponse, bool> done) => QueryUntilAsync(Client, Admin, request, done);

    /// <summary>The same against a Logging service of a test's own, as <paramref name="admin"/>.</summary>
    public static async Task<QueryLogsResponse> QueryUntilAsync(LoggingService.LoggingServiceClient client, Metadata admin, QueryLogsRequest request,
        Func<QueryLogsResponse, bool> done)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var response = await client.QueryLogsAsync(request, admin);
            if (done(response) || deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                return response;
            }
            await Task.Delay(50);
        }
    }

    public static string NewService() => $"svc-{Guid.NewGuid():N}"[..16];

    public static string NewTraceId() => ActivityTraceId.CreateRandom().ToHexString();

    /// <summary>Call metadata that puts the call in trace <paramref name="traceId"/> (W3C trace context, as any instrumented caller sends).</summary>
    public static Metadata Traced(string traceId) => new() { { "traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01" } };

    public async ValueTask DisposeAsync()
    {
        _producer?.Dispose();
        if (Logging is not null)
        {
            await Logging.DisposeAsync();
        }
        if (Users is not null)
        {
            await Users.DisposeAsync();
        }
        await Infrastructure.DisposeAsync();
    }
}
