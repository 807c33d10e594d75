using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.LocalInfrastructure.Postgres;
using ECommerce.Users.Benchmarks;

// dotnet run -c Release --project benchmarks/ECommerce.Users.Benchmarks [-- seconds [events]]
// Everything runs on this machine: PostgreSQL (throwaway), the Kafka dev cluster, the Users service
// on Kestrel, and the load. Bounded: a few phases of the given length (default 10 s). "events" runs
// only the event-bus phases (lag at 1,000 and 5,000 events/s, relay and consumer throughput).
var seconds = args.Length > 0 && int.TryParse(args[0], out var parsed) ? parsed : 10;
var eventsOnly = args.Contains("events");
var duration = TimeSpan.FromSeconds(seconds);

await using var postgres = await PostgresServer.StartAsync();
using var kafka = KafkaDevCluster.Start();

Console.WriteLine($"# Users and event bus benchmarks — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
Console.WriteLine();
if (!eventsOnly)
{
    await using var users = await UsersHost.StartAsync(postgres, kafka);
    Console.WriteLine(await LoginBenchmark.RunAsync(users, duration));
    Console.WriteLine();
    Console.WriteLine(await TokenValidationBenchmark.RunAsync(users, duration));
    Console.WriteLine();
}
// Kafka's default fetch wait first, then the development setting the mock cluster needs
// (KafkaDevCluster.DevelopmentFetchWaitMaxMs; a literal, so this file also builds against the bus
// before batching, for the comparison in docs/benchmarks/eventbus.md).
const int DevFetchWait = 10;
Console.WriteLine(await EventLagBenchmark.RunAsync(postgres, kafka, eventsPerSecond: 1000, duration, fetchWaitMaxMs: null));
Console.WriteLine();
Console.WriteLine(await EventLagBenchmark.RunAsync(postgres, kafka, eventsPerSecond: 1000, duration, DevFetchWait));
Console.WriteLine();
Console.WriteLine(await EventLagBenchmark.RunAsync(postgres, kafka, eventsPerSecond: 5000, duration, DevFetchWait));
Console.WriteLine();
Console.WriteLine(await EventLagBenchmark.ThroughputAsync(postgres, kafka, events: 30_000, DevFetchWait));
Console.WriteLine($"(load average at the end {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
