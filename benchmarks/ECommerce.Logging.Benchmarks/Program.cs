using ECommerce.Contracts.Events;
using ECommerce.Logging.Benchmarks;
using ECommerce.Testing;

// dotnet run -c Release --project benchmarks/ECommerce.Logging.Benchmarks [-- seconds]
// Everything runs on this machine: PostgreSQL (throwaway), the Kafka dev cluster, the Logging service on Kestrel, two
// Users processes (logs to Kafka on and off) and the load. Bounded: a few phases of the given length (default 10 s).
var seconds = args.Length > 0 && int.TryParse(args[0], out var parsed) ? parsed : 10;
var duration = TimeSpan.FromSeconds(seconds);

await using var infrastructure = new TestInfrastructure();
infrastructure.Kafka.CreateTopic(EventTopics.Logs, 4);
infrastructure.Kafka.CreateTopic(EventTopics.LoggingAlerts, 1);
infrastructure.Kafka.CreateTopic(EventTopics.Users, 1);

Console.WriteLine($"# Logging benchmarks — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
Console.WriteLine();
await using (var logging = await LoggingHost.StartAsync(infrastructure))
{
    Console.WriteLine(await IngestionBenchmark.ThroughputAsync(logging, records: 100_000));
    Console.WriteLine();
    Console.WriteLine(await IngestionBenchmark.LagAsync(logging, recordsPerSecond: 1000, duration));
    Console.WriteLine();
}
Console.WriteLine(await RequestsBenchmark.RunAsync(infrastructure, duration));
Console.WriteLine($"(load average at the end {LoadAverage()})");

static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
