using System.Diagnostics;

namespace ECommerce.Benchmarking;

/// <summary>Runs concurrent loops for a fixed time and reports throughput and latency percentiles.</summary>
internal static class Measurements
{
    public static async Task<Result> RunAsync(int concurrency, TimeSpan duration, Func<int, long, Task> operation)
    {
        var latencies = new List<double>[concurrency];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var mine = latencies[worker] = [];
            for (long n = 0; clock.Elapsed < duration; n++)
            {
                var started = Stopwatch.GetTimestamp();
                await operation(worker, n);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }));
        var all = latencies.SelectMany(list => list).Order().ToArray();
        return new Result(all.Length / clock.Elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), all.Length);
    }

    public static double Percentile(IReadOnlyList<double> sorted, double fraction) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(fraction * sorted.Count) - 1)];

    public sealed record Result(double PerSecond, double P50Ms, double P99Ms, int Count);
}
