using System.Diagnostics;

namespace ECommerce.Catalog.Benchmarks;

/// <summary>Closed-loop load: a number of concurrent callers, each calling again as soon as its last call returned.</summary>
internal static class Load
{
    /// <summary>Runs a warm-up of a quarter of <paramref name="duration"/> (discarded), then measures for <paramref name="duration"/>.</summary>
    public static async Task<Result> RunAsync(int callers, TimeSpan duration, Func<int, Task> call)
    {
        await MeasureAsync(callers, duration / 4, call);
        return await MeasureAsync(callers, duration, call);
    }

    private static async Task<Result> MeasureAsync(int callers, TimeSpan duration, Func<int, Task> call)
    {
        var perCaller = new List<double>[callers];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
        {
            var latencies = perCaller[caller] = [];
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                await call(caller);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }));
        var sorted = perCaller.SelectMany(latencies => latencies).Order().ToArray();
        return new Result(sorted.Length / clock.Elapsed.TotalSeconds, Quantile(sorted, 0.50), Quantile(sorted, 0.99));
    }

    private static double Quantile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    public sealed record Result(double PerSecond, double P50Ms, double P99Ms)
    {
        public string Row(string label) => $"| {label} | {PerSecond:N0} | {P50Ms:N2} | {P99Ms:N2} |";
    }
}
