using ECommerce.Catalog.Benchmarks;
using ECommerce.Catalog.Tests;
using ECommerce.Testing;

// dotnet run -c Release --project benchmarks/ECommerce.Catalog.Benchmarks [-- seconds]
// Everything runs on this machine: PostgreSQL and Redis (throwaway), the Kafka dev cluster, the
// Users service (for an admin token and the Orders service token), two Catalog services over one database loaded with the demo
// catalog (one caching reads in Redis, one not), and the load. Bounded: four phases of the given
// length (default 10 s) after a short warm-up each.
// WebApplicationFactory looks for the service's content root in MvcTestingAppManifest.json in the
// current directory; dotnet run starts wherever it was called from.
Directory.SetCurrentDirectory(AppContext.BaseDirectory);
var seconds = args.Length > 0 && int.TryParse(args[0], out var parsed) ? parsed : 10;
var duration = TimeSpan.FromSeconds(seconds);

await using var infrastructure = new TestInfrastructure();
await using var users = await UsersForTests.StartAsync(infrastructure);
var database = await infrastructure.CreateDatabaseAsync("catalog_bench");
// Both serve the demo catalog; CacheTtl zero sends every read of the uncached one to PostgreSQL.
await using var cached = await CatalogServiceHost.StartAsync(infrastructure, users, Settings(cacheTtl: "00:10:00"), database);
await using var uncached = await CatalogServiceHost.StartAsync(infrastructure, users, Settings(cacheTtl: "00:00:00"), database);

Console.WriteLine($"# Catalog benchmarks — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
Console.WriteLine();
Console.WriteLine(await GetProductBenchmark.RunAsync(cached, uncached, duration));
Console.WriteLine();
Console.WriteLine(await ReservationBenchmark.RunAsync(cached, UsersForTests.Bearer(await users.ServiceTokenAsync("orders")), duration));

static Dictionary<string, string> Settings(string cacheTtl) => new()
{
    ["Catalog:SeedDemoData"] = "true",
    ["Catalog:CacheTtl"] = cacheTtl,
};
