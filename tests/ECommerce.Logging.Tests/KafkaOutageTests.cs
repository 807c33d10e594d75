using ECommerce.Contracts.Events;
using ECommerce.Contracts.Logging.V1;
using ECommerce.Contracts.Users.V1;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.Testing;
using static ECommerce.Logging.Tests.LoggingTestEnvironment;

namespace ECommerce.Logging.Tests;

/// <summary>A real service whose Kafka goes away: logging must not hurt its requests, and its records must not be lost.</summary>
public sealed class KafkaOutageTests(LoggingTestEnvironment logs)
{
    [Fact]
    public async Task With_the_brokers_down_Users_keeps_serving_promptly_and_its_records_arrive_once_they_are_back()
    {
        // A cluster, Users and Logging of their own: the brokers go down, and the other tests' must not.
        using var kafka = KafkaDevCluster.Start();
        kafka.CreateTopic(EventTopics.Logs, 4);
        kafka.CreateTopic(EventTopics.Users, 1);
        kafka.CreateTopic(EventTopics.LoggingAlerts, 1);
        await using var users = await UsersForTests.StartAsync(logs.Infrastructure, kafka.BootstrapServers, new Dictionary<string, string>(SendsLogs)
        {
            // Every request logs its start and end (ASP.NET Core's request lines), in the request's trace.
            ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        });
        await using var logging = await StartLoggingAsync(await logs.Infrastructure.CreateDatabaseAsync("logging"), kafka.BootstrapServers, users);
        var client = new LoggingService.LoggingServiceClient(logging.Channel);
        var admin = UsersForTests.Bearer(await users.AdminTokenAsync());

        kafka.TakeBrokersDown();
        var traces = new List<string>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var traceId = NewTraceId();
                traces.Add(traceId);
                // A deadline only a blocked or stalled logger would miss: a registration takes a small fraction of it.
                var registered = await users.Client.RegisterAsync(
                    new RegisterRequest { Email = $"{Guid.NewGuid():N}@shop.example", Password = UsersForTests.Password, DisplayName = "Outage" },
                    Traced(traceId), DateTime.UtcNow.AddSeconds(5));
                Assert.NotEmpty(registered.Tokens.AccessToken);
            }
            // Nothing written during the outage can have reached Kafka, however quick the sink.
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        finally
        {
            kafka.BringBrokersUp();
        }

        foreach (var traceId in traces)
        {
            var found = await QueryUntilAsync(client, admin, new QueryLogsRequest { TraceId = traceId, Service = "users" },
                response => response.Records.Any(record => record.Message.StartsWith("Request finished", StringComparison.Ordinal)));
            Assert.Contains(found.Records, record => record.Message.StartsWith("Request finished", StringComparison.Ordinal)
                                                     && record.Message.Contains("/ecommerce.users.v1.UsersService/Register - 200", StringComparison.Ordinal));
        }
    }
}
