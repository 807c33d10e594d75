using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using ECommerce.Benchmarking;

namespace ECommerce.Hosting.Benchmarks;

/// <summary>One AppHost run in one mode: start-up, memory, idle CPU, then closed-loop load on each route.</summary>
internal static class ModeBenchmark
{
    private const string SearchPath = "/v1/search?query=shirt&page.pageSize=10";

    public static async Task<ModeResult> RunAsync(string appHostAssembly, string mode, string label, Options options, Action<string> log)
    {
        log($"{label}: starting the AppHost");
        await using var run = await AppHostRun.StartAsync(appHostAssembly, mode, options.GcServer);
        log($"{label}: ready in {run.TimeToReady.TotalSeconds:N1} s; services {string.Join(", ", run.Services.Select(s => $"{s.Key} (pid {s.Value})"))}");
        using var clients = new EdgeClients(run.RestEdge);

        var productIds = await ProductIdsAsync(clients);
        var searchHits = await WaitForSearchIndexAsync(clients, log, label);
        var rssReady = run.Services.ToDictionary(service => service.Key, service => ProcStats.ResidentBytes(service.Value));
        var gcModes = run.Services.ToDictionary(service => service.Key, service => ProcStats.GcMode(service.Value));

        var routes = new (string Name, Func<int, long, string> Path)[]
        {
            ("GET /v1/auth/jwks (gateway → users)", (_, _) => "/v1/auth/jwks"),
            ("GET /v1/products/{id} (gateway → catalog, Redis)", (worker, n) => $"/v1/products/{productIds[(int)((worker * 37 + n) % productIds.Count)]}"),
            ("GET /v1/products?page.pageSize=20 (gateway → catalog)", (_, _) => "/v1/products?page.pageSize=20"),
            ("GET /v1/search?query=shirt&page.pageSize=10 (gateway → search)", (_, _) => SearchPath),
        };
        var routeResults = new List<RouteResult>();
        foreach (var (name, path) in routes)
        {
            long errors = 0;
            string? firstError = null;
            async Task CallAsync(int worker, long n)
            {
                try
                {
                    using var response = await clients.For(worker).GetAsync(path(worker, n), HttpCompletionOption.ResponseHeadersRead);
                    await response.Content.CopyToAsync(Stream.Null);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref errors);
                        firstError ??= $"HTTP {(int)response.StatusCode}";
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                    firstError ??= e.Message;
                }
            }
            if (options.WarmupSeconds > 0)
            {
                await Measurements.RunAsync(options.Concurrency, TimeSpan.FromSeconds(options.WarmupSeconds), CallAsync);
            }
            errors = 0;
            var before = Snapshot.Take(run);
            var measured = await Measurements.RunAsync(options.Concurrency, TimeSpan.FromSeconds(options.Seconds), CallAsync);
            var used = Snapshot.Take(run) - before;
            var result = new RouteResult(name, measured, errors, used, File.ReadAllText("/proc/loadavg").Split(' ')[0]);
            routeResults.Add(result);
            log($"{label}: {name}: {measured.PerSecond:N0}/s, p50 {measured.P50Ms:N2} ms, p99 {measured.P99Ms:N2} ms, " +
                $"services {result.ServicesMsPerThousand:N0} ms CPU per 1,000, {errors} errors{(firstError is null ? "" : $" (first: {firstError})")}");
        }
        var rssAfter = run.Services.ToDictionary(service => service.Key, service => ProcStats.ResidentBytes(service.Value));

        // Idle: what the processes burn with no requests (health probes, telemetry export, Kafka consumers and outbox relays
        // polling), measured after the load, once start-up work and tiered JIT compilation are over, and after a pause
        // that lets the last batches of telemetry go out.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var idleBefore = Snapshot.Take(run);
        await Task.Delay(TimeSpan.FromSeconds(options.IdleSeconds));
        var idle = Snapshot.Take(run) - idleBefore;
        var appHostRss = ProcStats.ResidentBytes(run.Id);
        var stopTime = await run.StopAsync();
        log($"{label}: stopped in {stopTime.TotalSeconds:N1} s");
        return new ModeResult(label, mode, run.TimeToReady, run.ServicesStartToReady, rssReady, rssAfter, appHostRss, gcModes, idle,
            options.IdleSeconds, routeResults, stopTime, productIds.Count, searchHits);
    }

    /// <summary>Up to 100 product ids of the demo catalog, cycled through by the GetProduct route.</summary>
    private static async Task<IReadOnlyList<string>> ProductIdsAsync(EdgeClients clients)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var page = await clients.For(-1).GetFromJsonAsync<JsonElement>("/v1/products?page.pageSize=100");
            var ids = page.GetProperty("products").EnumerateArray().Select(product => product.GetProperty("productId").GetString()!).ToList();
            if (ids.Count > 0)
            {
                return ids;
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("The catalog listed no products within 60 s of Ready.");
            }
            await Task.Delay(500);
        }
    }

    /// <summary>Search learns of the demo catalog through Kafka after start-up; waits until its hit count for the query stops moving.</summary>
    private static async Task<long> WaitForSearchIndexAsync(EdgeClients clients, Action<string> log, string label)
    {
        var clock = Stopwatch.StartNew();
        long last = -1;
        var stableSince = TimeSpan.Zero;
        while (true)
        {
            var answer = await clients.For(-1).GetFromJsonAsync<JsonElement>(SearchPath);
            var total = long.Parse(answer.GetProperty("page").GetProperty("totalSize").GetString() ?? "0");
            if (total != last || total == 0)
            {
                last = total;
                stableSince = clock.Elapsed;
            }
            else if (clock.Elapsed - stableSince >= TimeSpan.FromSeconds(2))
            {
                log($"{label}: search index settled at {total} hits for the query after {clock.Elapsed.TotalSeconds:N1} s");
                return total;
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(90))
            {
                throw new TimeoutException($"The search index did not settle within 90 s of Ready (last: {total} hits).");
            }
            await Task.Delay(500);
        }
    }
}

/// <summary>CPU seconds used so far: each service process, the AppHost (dashboard, telemetry intake, Kafka dev cluster), PostgreSQL and Redis, and this process.</summary>
internal sealed record Snapshot(IReadOnlyDictionary<string, double> Services, double AppHost, double DataStores, double LoadGenerator, TimeSpan At)
{
    public double ServicesTotal => Services.Values.Sum();

    public static Snapshot Take(AppHostRun run) => new(
        run.Services.ToDictionary(service => service.Key, service => ProcStats.CpuSeconds(service.Value)),
        ProcStats.CpuSeconds(run.Id),
        ProcStats.CpuSecondsWithChildren(run.PostgresId) + ProcStats.CpuSeconds(run.RedisId),
        Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
        TimeSpan.FromTicks(Stopwatch.GetTimestamp() * TimeSpan.TicksPerSecond / Stopwatch.Frequency));

    public static Snapshot operator -(Snapshot after, Snapshot before) => new(
        after.Services.ToDictionary(service => service.Key, service => service.Value - before.Services[service.Key]),
        after.AppHost - before.AppHost,
        after.DataStores - before.DataStores,
        after.LoadGenerator - before.LoadGenerator,
        after.At - before.At);
}
