using System.Diagnostics;
using ECommerce.Benchmarking;

namespace ECommerce.Load;

/// <summary>One route's figures over a window of arrivals.</summary>
/// <param name="Route">null: all routes together.</param>
internal sealed record RouteFigures(Route? Route, int Offered, int Completed, double OfferedPerSecond, double CompletedPerSecond,
    double P50Ms, double P95Ms, double P99Ms, IReadOnlyDictionary<string, int> Errors)
{
    public int ErrorCount => Errors.Values.Sum();
}

/// <summary>A window of open-loop arrivals: per route, and all routes together.</summary>
/// <param name="Seconds">The window's length (arrivals were scheduled within it).</param>
/// <param name="DrainSeconds">From the window's end until its last arrival finished.</param>
/// <param name="MostInFlight">The most arrivals in flight at once (each had a connection of its own).</param>
internal sealed record WindowFigures(double Rate, double Seconds, double DrainSeconds, IReadOnlyList<RouteFigures> Routes, RouteFigures Overall,
    int PaidCheckouts, int MostInFlight)
{
    public double CheckoutsPerSecond => PaidCheckouts / (Seconds + DrainSeconds);
}

/// <summary>
/// Open-loop arrivals: their times are computed from the clock before anything is sent, and each starts on schedule whether
/// or not earlier ones have finished, so a slow shop shows as latency (and arrivals in flight), never as less offered load.
/// Latency runs from the scheduled start, so time an arrival spent waiting to be started (a busy load generator) counts too.
/// </summary>
internal static class OpenLoop
{
    public static async Task<WindowFigures> RunAsync(ShopperJourneys journeys, TrafficMix mix, ArrivalSchedule schedule, double rate, TimeSpan window,
        int seed)
    {
        var random = new Random(seed);
        var outcomes = new List<Task<Outcome>>();
        var inFlight = 0;
        var mostInFlight = 0;
        var start = Stopwatch.GetTimestamp();
        for (var at = NextGap(); at < window.TotalSeconds; at += NextGap())
        {
            var route = mix.Pick(random);
            var wait = at - Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait));
            }
            var scheduled = start + (long)(at * Stopwatch.Frequency);
            // Started on the thread pool: the schedule never waits for an arrival's first request to go out.
            outcomes.Add(Task.Run(async () =>
            {
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref mostInFlight, now);
                try
                {
                    await journeys.RunAsync(route);
                    return new Outcome(route, Stopwatch.GetElapsedTime(scheduled).TotalMilliseconds, Stopwatch.GetTimestamp(), null);
                }
                catch (Exception e)
                {
                    // Counted by kind and reported: an error is a finding of the run, not the end of it.
                    return new Outcome(route, Stopwatch.GetElapsedTime(scheduled).TotalMilliseconds, Stopwatch.GetTimestamp(), KindOf(e));
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight);
                }
            }));
        }
        var done = await Task.WhenAll(outcomes);
        var seconds = window.TotalSeconds;
        var last = done.Length == 0 ? start : done.Max(outcome => outcome.FinishedAt);
        var drain = Math.Max(0, (last - start) / (double)Stopwatch.Frequency - seconds);
        var routes = mix.Routes.Select(route => Figures(route, done.Where(outcome => outcome.Route == route).ToList(), seconds, drain)).ToList();
        var paid = done.Count(outcome => outcome.Route == Route.Checkout && outcome.Error is null);
        return new WindowFigures(rate, seconds, drain, routes, Figures(null, done, seconds, drain), paid, mostInFlight);

        double NextGap() => schedule == ArrivalSchedule.Fixed ? 1 / rate : -Math.Log(1 - random.NextDouble()) / rate;
    }

    /// <summary>An error's kind: the HTTP status, a timeout, a connection that failed, or what the shop answered wrongly.</summary>
    public static string KindOf(Exception e) => e switch
    {
        HttpRequestException { StatusCode: { } status } => $"HTTP {(int)status}",
        HttpRequestException => "connection error",
        TaskCanceledException => "timeout",
        NotPaidException notPaid => $"not paid ({notPaid.Status})",
        NoIdleShopperException => "no idle shopper",
        _ => e.GetType().Name,
    };

    private sealed record Outcome(Route Route, double Ms, long FinishedAt, string? Error);

    private static RouteFigures Figures(Route? route, IReadOnlyList<Outcome> outcomes, double seconds, double drain)
    {
        var succeeded = outcomes.Where(outcome => outcome.Error is null).Select(outcome => outcome.Ms).Order().ToArray();
        var errors = outcomes.Where(outcome => outcome.Error is not null).GroupBy(outcome => outcome.Error!).ToDictionary(group => group.Key, group => group.Count());
        // Completed per second over the time it took to finish the window's arrivals: a shop that falls behind shows less.
        return new RouteFigures(route, outcomes.Count, succeeded.Length, outcomes.Count / seconds, succeeded.Length / (seconds + drain),
            Measurements.Percentile(succeeded, 0.50), Measurements.Percentile(succeeded, 0.95), Measurements.Percentile(succeeded, 0.99), errors);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }
}
