using ECommerce.Contracts.Events;
using ECommerce.Contracts.Logging.V1;
using ECommerce.Contracts.Users.V1;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.Testing;
using Grpc.Core;
using static ECommerce.Logging.Tests.LoggingTestEnvironment;

namespace ECommerce.Logging.Tests;

/// <summary>A real service's log records, from its ILogger through Kafka to QueryLogs.</summary>
public sealed class ServiceLogTests(LoggingTestEnvironment logs)
{
    [Fact]
    public async Task A_warning_Users_logs_during_a_request_is_found_by_the_requests_trace_id()
    {
        var traceId = NewTraceId();
        var registered = await logs.Users.Client.RegisterAsync(new RegisterRequest { Email = $"{Guid.NewGuid():N}@shop.example", Password = UsersForTests.Password, DisplayName = "Reuser" });
        await logs.Users.Client.RefreshAsync(new RefreshRequest { RefreshToken = registered.Tokens.RefreshToken });

        // The spent token again: Users refuses it and logs a warning, inside the call's trace.
        await Assert.ThrowsAsync<RpcException>(() => logs.Users.Client.RefreshAsync(new RefreshRequest { RefreshToken = registered.Tokens.RefreshToken },
            Traced(traceId)).ResponseAsync);

        var found = await logs.QueryUntilAsync(new QueryLogsRequest { TraceId = traceId }, response => response.Records.Count > 0);
        var record = Assert.Single(found.Records);
        Assert.Equal("users", record.Service);
        Assert.Equal(Contracts.Events.V1.LogLevel.Warning, record.Level);
        Assert.Equal(traceId, record.TraceId);
        Assert.Equal($"A spent refresh token of user {registered.User.UserId} was presented again; its whole family is revoked", record.Message);
        Assert.Equal("A spent refresh token of user {UserId} was presented again; its whole family is revoked", record.Template);
        Assert.Equal(registered.User.UserId, record.Attributes["UserId"]);
        Assert.NotEmpty(record.SpanId);
    }

    [Fact]
    public async Task With_the_brokers_down_a_service_keeps_serving_and_its_logs_arrive_once_they_are_back()
    {
        // A cluster, Users and Logging of their own: the brokers go down.
        using var kafka = KafkaDevCluster.Start();
        kafka.CreateTopic(EventTopics.Logs, 2);
        kafka.CreateTopic(EventTopics.Users, 1);
        kafka.CreateTopic(EventTopics.LoggingAlerts, 1);
        await using var users = await UsersForTests.StartAsync(logs.Infrastructure, kafka.BootstrapServers, new Dictionary<string, string>(SendsLogs)
        {
            // Every request logs (ASP.NET Core's request lines), in the request's trace.
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Information",
        });
        await using var logging = await StartLoggingAsync(await logs.Infrastructure.CreateDatabaseAsync("logging"), kafka.BootstrapServers, users);
        var client = new LoggingService.LoggingServiceClient(logging.Channel);
        var admin = UsersForTests.Bearer(await users.AdminTokenAsync());

        kafka.TakeBrokersDown();
        var traces = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var traceId = NewTraceId();
            traces.Add(traceId);
            var registered = await users.Client.RegisterAsync(
                new RegisterRequest { Email = $"{Guid.NewGuid():N}@shop.example", Password = UsersForTests.Password, DisplayName = "Outage" }, Traced(traceId));
            Assert.NotEmpty(registered.Tokens.AccessToken);
        }
        kafka.BringBrokersUp();

        foreach (var traceId in traces)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            QueryLogsResponse found;
            do
            {
                found = await client.QueryLogsAsync(new QueryLogsRequest { TraceId = traceId, Service = "users" }, admin);
            }
            while (found.Records.Count == 0 && DateTime.UtcNow < deadline && await Delay());
            if (found.Records.Count == 0)
            {
                var any = await client.QueryLogsAsync(new QueryLogsRequest { Page = new() { PageSize = 100 } }, admin);
                using var consumer = new Confluent.Kafka.ConsumerBuilder<string, byte[]>(new Confluent.Kafka.ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "dbg", AutoOffsetReset = Confluent.Kafka.AutoOffsetReset.Earliest }).Build();
                consumer.Subscribe(EventTopics.Logs);
                var n = 0; var withTrace = 0;
                var end = DateTime.UtcNow.AddSeconds(10);
                while (DateTime.UtcNow < end) { var r = consumer.Consume(200); if (r?.Message is { } m) { n++; if (Contracts.Events.V1.LogRecord.Parser.ParseFrom(m.Value).TraceId == traceId) withTrace++; } }
                var log = string.Join("\n", File.ReadAllLines(users.Process.LogFile).Where(line => line.Contains("Kafka", StringComparison.Ordinal) || line.Contains("fail", StringComparison.Ordinal)).TakeLast(30));
                Assert.Fail(log + $"stored {any.Records.Count}: {string.Join(" | ", any.Records.Take(5).Select(r => r.Message))}; on topic {n}, with trace {withTrace}");
            }
            Assert.Contains(found.Records, record => record.Message.Contains("/ecommerce.users.v1.UsersService/Register", StringComparison.Ordinal));
        }
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(100);
        return true;
    }

    /// <summary>Call options that put the call in trace <paramref name="traceId"/> (W3C trace context, as any instrumented caller sends).</summary>
    private static Metadata Traced(string traceId) => new() { { "traceparent", $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01" } };
}
