using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.LocalInfrastructure.Postgres;
using ECommerce.Users.Benchmarks;

// dotnet run -c Release --project benchmarks/ECommerce.Users.Benchmarks [-- seconds]
// Everything runs on this machine: PostgreSQL (throwaway), the Kafka dev cluster, the Users service
// on Kestrel, and the load. Bounded: a few phases of the given length (default 10 s).
var seconds = args.Length > 0 && int.TryParse(args[0], out var parsed) ? parsed : 10;
var duration = TimeSpan.FromSeconds(seconds);

await using var postgres = await PostgresServer.StartAsync();
using var kafka = KafkaDevCluster.Start();
await using var users = await UsersHost.StartAsync(postgres, kafka);

Console.WriteLine($"# Users and event bus benchmarks — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
Console.WriteLine();
Console.WriteLine(await LoginBenchmark.RunAsync(users, duration));
Console.WriteLine();
Console.WriteLine(await TokenValidationBenchmark.RunAsync(users, duration));
Console.WriteLine();
Console.WriteLine(await EventLagBenchmark.RunAsync(postgres, kafka, eventsPerSecond: 1000, duration * 2));
