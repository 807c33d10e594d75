using System.Diagnostics;
using ECommerce.Contracts.Events;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.LocalInfrastructure.Postgres;
using ECommerce.Contracts.Search.V1;
using ECommerce.Search.Benchmarks;
using ECommerce.Search.Tests;
using Npgsql;

// dotnet run -c Release --project benchmarks/ECommerce.Search.Benchmarks [-- seconds [products]]
// Everything runs on this machine: PostgreSQL (throwaway), the Kafka dev cluster, the Search service
// on Kestrel, and the load. Bounded: six latency phases and one freshness phase of the given length
// (default 10 s), after loading the products (default 100,000).
var seconds = args.Length > 0 && int.TryParse(args[0], out var parsedSeconds) ? parsedSeconds : 10;
var products = args.Length > 1 && int.TryParse(args[1], out var parsedProducts) ? parsedProducts : 100_000;
var duration = TimeSpan.FromSeconds(seconds);
// WebApplicationFactory finds the service's content root through MvcTestingAppManifest.json in the current directory.
Directory.SetCurrentDirectory(AppContext.BaseDirectory);

await using var postgres = await PostgresServer.StartAsync();
using var kafka = KafkaDevCluster.Start();
kafka.CreateTopic(EventTopics.CatalogProducts, 3);
kafka.CreateTopic(EventTopics.CatalogInventory, 3);
var searchDatabase = await postgres.CreateDatabaseAsync("search_bench");
// Searches are anonymous, so no token is ever checked; the Users address is only required to be set.
await using var search = await SearchOnKestrel.StartAsync(searchDatabase, kafka.BootstrapServers, new("services:users:grpc:0", "http://127.0.0.1:9"));
var client = new SearchService.SearchServiceClient(search.Channel);

var loading = Stopwatch.StartNew();
await using (var dataSource = NpgsqlDataSource.Create(searchDatabase))
{
    await SyntheticCatalog.WriteAsync(dataSource, products);
}
Console.WriteLine($"# Search benchmarks — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
Console.WriteLine();
Console.WriteLine($"{products:N0} products loaded with COPY (tsvector and indexes built) in {loading.Elapsed.TotalSeconds:N1} s.");
Console.WriteLine();
Console.WriteLine(await LatencyBenchmark.RunAsync(client, products, duration));
Console.WriteLine();
Console.WriteLine(await FreshnessBenchmark.RunAsync(client, await postgres.CreateDatabaseAsync("catalog_bench"), kafka, eventsPerSecond: 20, duration));
