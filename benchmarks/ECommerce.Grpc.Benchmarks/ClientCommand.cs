using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using ECommerce.Grpc.Benchmarks.Contract;
using Grpc.Core;

namespace ECommerce.Grpc.Benchmarks;

/// <summary>
/// <c>client --target URL [--concurrency 64] [--seconds 10] [--max-warmup-seconds 20] [--max-calls N]</c>:
/// our client's calls/second against a server, with a fixed number of calls in flight on the
/// service's one shared channel. Warms up until the JIT has settled (or the warm-up limit), then
/// measures until whichever comes first, the time or the call count.
/// </summary>
public static class ClientCommand
{
    public static async Task<int> RunAsync(CommandLine options)
    {
        var target = options.Text("target");
        var concurrency = options.Integer("concurrency", 64);
        var measured = TimeSpan.FromSeconds(options.Integer("seconds", 10));
        var maxWarmup = options.Integer("max-warmup-seconds", 20);
        var maxCalls = options.Integer("max-calls", 20_000_000);

        // The client a service gets from AddECommerceGrpcClient, pointed at the target the way
        // Aspire-style configuration would point it.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["services:bench:grpc:0"] = target })
            .Build();
        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddECommerceGrpcClient<ProductBench.ProductBenchClient>("bench")
            .BuildServiceProvider();
        var client = services.GetRequiredService<ProductBench.ProductBenchClient>();
        var warmupSeconds = await WarmUpAsync(client, concurrency, maxWarmup, maxCalls);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var jitBefore = JitInfo.GetCompilationTime();
        var run = await RunAsync(client, concurrency, measured, maxCalls);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        // Time the JIT still spent during the measured window: large means the warm-up was too short.
        var jit = JitInfo.GetCompilationTime() - jitBefore;

        var latencies = run.Latencies;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"client: warmup_seconds={warmupSeconds} calls={latencies.Length} errors={run.Errors} seconds={run.Elapsed.TotalSeconds:F2} " +
            $"calls_per_second={latencies.Length / run.Elapsed.TotalSeconds:F0} " +
            $"p50_ms={Percentile(latencies, 0.50):F3} p99_ms={Percentile(latencies, 0.99):F3} " +
            $"cpu_us_per_call={cpu.TotalMicroseconds / Math.Max(1, latencies.Length):F1} jit_ms={jit.TotalMilliseconds:F0}"));
        return run.Errors == 0 && latencies.Length > 0 ? 0 : 1;
    }

    /// <summary>
    /// One-second slices of calls until three in a row each spend under
    /// <see cref="Warmup.SettledJitPerSecond"/> in the JIT, as the servers' warm-up does.
    /// </summary>
    private static async Task<int> WarmUpAsync(ProductBench.ProductBenchClient client, int concurrency, int maxSeconds, int maxCalls)
    {
        var quietSeconds = 0;
        for (var second = 1; second <= maxSeconds; second++)
        {
            var jitBefore = JitInfo.GetCompilationTime();
            await RunAsync(client, concurrency, TimeSpan.FromSeconds(1), maxCalls);
            quietSeconds = JitInfo.GetCompilationTime() - jitBefore < Warmup.SettledJitPerSecond ? quietSeconds + 1 : 0;
            if (quietSeconds == 3)
            {
                return second;
            }
        }
        return maxSeconds;
    }

    private sealed record Run(double[] Latencies, int Errors, TimeSpan Elapsed);

    private static async Task<Run> RunAsync(ProductBench.ProductBenchClient client, int concurrency, TimeSpan duration, int maxCalls)
    {
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var issued = 0;
        var errors = 0;

        async Task<List<double>> Worker()
        {
            var latencies = new List<double>(capacity: 1 << 16);
            while (Stopwatch.GetTimestamp() < deadline && Interlocked.Increment(ref issued) <= maxCalls)
            {
                var callStarted = Stopwatch.GetTimestamp();
                try
                {
                    await client.GetProductAsync(Fixtures.Request);
                    latencies.Add(Stopwatch.GetElapsedTime(callStarted).TotalMilliseconds);
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
            return latencies;
        }

        var perWorker = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker)));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var all = perWorker.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new Run(all, errors, elapsed);
    }

    /// <summary>Nearest-rank percentile of sorted values, the definition eng/bench-grpc.sh uses for h2load's log.</summary>
    private static double Percentile(double[] sorted, double fraction) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Max(0, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
}
