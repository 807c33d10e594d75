using System.CommandLine;
using ECommerce.Orders.Benchmarks;

namespace ECommerce.Load;

/// <summary>
/// `capacity`: the arrival rate ramped in steps until the p99 of its requests passes the limit (or an arrival fails); per mode the highest
/// checkout rate sustained, PostgreSQL's write ceiling (pgbench) on the same server, and the CPU each process spent per
/// checkout in the best sustained step.
/// </summary>
internal static class CapacityCommand
{
    /// <summary>How long the shop is watched doing nothing, to learn what its processes spend with no traffic.</summary>
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(10);

    /// <param name="Requests">Each request of the step's arrivals, by kind and over all: the p99 that decides.</param>
    private sealed record Step(WindowFigures Window, (IReadOnlyList<RequestFigures> Kinds, RequestFigures All) Requests, CheckoutBreakdown Breakdown,
        IReadOnlyDictionary<string, double> CpuSeconds, double WallSeconds, bool Sustained, bool Repeat)
    {
        public double PlaceOrderP99Ms => Requests.Kinds.FirstOrDefault(kind => kind.Name == PlaceOrder)?.P99Ms ?? double.NaN;
    }

    private const string PlaceOrder = "POST /v1/orders";

    /// <param name="IdleCpuPerSecond">CPU seconds per second each process spends with no traffic (relays polling, health checks).</param>
    private sealed record ModeCapacity(string Mode, IReadOnlyList<Step> Steps, double PgbenchTps, IReadOnlyDictionary<string, double> IdleCpuPerSecond)
    {
        public Step? Best => Steps.Where(step => step.Sustained).MaxBy(step => step.Window.CheckoutsPerSecond);
    }

    private sealed record CapacitySettings(string[] Modes, double Start, double StepBy, int StepSeconds, double MaxRate, int P99LimitMs, TrafficMix Mix,
        ArrivalSchedule Schedule, int Shoppers, int TimeoutSeconds, int PgbenchClients, int PgbenchSeconds);

    public static Command Create()
    {
        var mode = CommandOptions.Mode(allowBoth: true);
        var start = CommandOptions.PositiveRate("--start", 1, "Arrivals per second of the first step");
        var step = CommandOptions.PositiveRate("--step", 2, "Arrivals per second added at each step");
        var stepSeconds = CommandOptions.Positive("--step-seconds", 20, "Seconds of arrivals per step");
        var maxRate = CommandOptions.PositiveRate("--max-rate", 200, "Arrivals per second the ramp never passes");
        var p99Limit = CommandOptions.Positive("--p99-ms", 500, "A step is sustained when the p99 of all its requests stays under this and no arrival fails");
        var mix = CommandOptions.Mix();
        var schedule = CommandOptions.Schedule();
        var shoppers = CommandOptions.Positive("--shoppers", 48, "Signed-in shoppers for cart and checkout arrivals");
        var timeout = CommandOptions.TimeoutSeconds();
        var pgbenchClients = CommandOptions.Positive("--pgbench-clients", 16, "pgbench clients for PostgreSQL's write ceiling");
        var pgbenchSeconds = CommandOptions.Positive("--pgbench-seconds", 10, "pgbench seconds");
        var command = new Command("capacity", "Ramps the arrival rate in steps: the highest checkout rate sustained with the requests' p99 under --p99-ms")
        {
            mode, start, step, stepSeconds, maxRate, p99Limit, mix, schedule, shoppers, timeout, pgbenchClients, pgbenchSeconds,
        };
        command.SetAction(async (parsed, _) => await RunAsync(new CapacitySettings(CommandOptions.Modes(parsed.GetValue(mode)!), parsed.GetValue(start),
            parsed.GetValue(step), parsed.GetValue(stepSeconds), parsed.GetValue(maxRate), parsed.GetValue(p99Limit), parsed.GetValue(mix)!,
            parsed.GetValue(schedule), parsed.GetValue(shoppers), parsed.GetValue(timeout), parsed.GetValue(pgbenchClients), parsed.GetValue(pgbenchSeconds))));
        return command;
    }

    private static async Task<int> RunAsync(CapacitySettings settings)
    {
        var report = Report.Start($"modes {string.Join(", ", settings.Modes)}; from {settings.Start}/s by {settings.StepBy}/s, {settings.StepSeconds} s steps, " +
            $"up to {settings.MaxRate}/s, p99 limit {settings.P99LimitMs} ms; mix {settings.Mix}");
        var capacities = new List<ModeCapacity>();
        foreach (var mode in settings.Modes)
        {
            capacities.Add(await RampAsync(mode, settings));
        }

        report.Heading("Shop capacity (open-loop ramp)");
        report.Line($"Open-loop arrivals through the REST edge ({settings.Schedule.ToString().ToLowerInvariant()} schedule), mix {settings.Mix}, from {settings.Start}/s " +
            $"adding {settings.StepBy}/s every {settings.StepSeconds} s. A step is **sustained** when the p99 of its requests (each request a shopper waits " +
            $"for, from its sending to its answer, over all kinds; a checkout arrival is three: add to cart, quote, place order) is under {settings.P99LimitMs} ms " +
            $"and no arrival failed; a step that is not is run once more, and the ramp stops when the repeat is not sustained either. Arrival p99 adds up a journey's requests, from its scheduled start. Checkouts/s: paid orders over the time until " +
            $"the step's last arrival finished. pgbench: TPC-B-like, {settings.PgbenchClients} clients, {settings.PgbenchSeconds} s, on the shop's PostgreSQL (fsync on) after the ramp.");
        report.Line();
        report.Line("| mode | best sustained arrivals/s | **checkouts/s** | request p99 ms | place order p99 ms | arrival p99 ms | pgbench tps | checkouts / pgbench tps |");
        report.Line("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var capacity in capacities)
        {
            var best = capacity.Best;
            report.Line(best is null
                ? $"| {capacity.Mode} | none | – | – | – | – | {capacity.PgbenchTps:N0} | – |"
                : $"| {capacity.Mode} | {best.Window.Rate:N1} | **{best.Window.CheckoutsPerSecond:N2}** | {Report.Ms(best.Requests.All.P99Ms)} | " +
                  $"{Report.Ms(best.PlaceOrderP99Ms)} | {Report.Ms(best.Window.Overall.P99Ms)} | {capacity.PgbenchTps:N0} | " +
                  $"{best.Window.CheckoutsPerSecond / capacity.PgbenchTps:P2} |");
        }
        foreach (var capacity in capacities)
        {
            report.Line();
            report.Line($"## {capacity.Mode}: steps");
            report.Line();
            // Offered: the arrivals the schedule drew in the step, which a Poisson schedule scatters around the rate.
            report.Line("| arrivals/s | offered/s | completed/s | checkouts/s | request p50 ms | request p99 ms | place order p99 ms | arrival p99 ms | most in flight | errors | sustained |");
            report.Line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
            foreach (var step in capacity.Steps)
            {
                var overall = step.Window.Overall;
                report.Line($"| {step.Window.Rate:N1} | {overall.OfferedPerSecond:N2} | {overall.CompletedPerSecond:N2} | {step.Window.CheckoutsPerSecond:N2} | " +
                    $"{Report.Ms(step.Requests.All.P50Ms)} | {Report.Ms(step.Requests.All.P99Ms)} | {Report.Ms(step.PlaceOrderP99Ms)} | {Report.Ms(overall.P99Ms)} | " +
                    $"{step.Window.MostInFlight} | {Report.Errors(overall.Errors)} | {(step.Sustained ? "yes" : "no")}{(step.Repeat ? " (repeat)" : "")} |");
            }
            // With no step sustained (a busy machine), the first step's figures still say where the time goes.
            if ((capacity.Best ?? capacity.Steps.FirstOrDefault()) is { } best)
            {
                var which = capacity.Best is null ? "the first step (no step was sustained)" : "the best sustained step";
                report.Line();
                report.Line($"Routes in {which}, {best.Window.Rate:N1} arrivals/s:");
                report.Line();
                report.RouteTable(best.Window);
                report.Line();
                report.Line("Their requests:");
                report.Line();
                report.RequestTable(best.Requests);
                if (best.Breakdown.Orders > 0)
                {
                    report.Line();
                    best.Breakdown.Write(report);
                }
                report.Line();
                report.Line($"CPU seconds per paid checkout in that step, by process ({best.Window.PaidCheckouts} checkouts; the CPU of the whole mix, " +
                    "browsing and searching included, divided by the checkouts; utime + stime from /proc, each resource with its child processes):");
                report.Line();
                report.Line($"| process | CPU s in the step ({best.WallSeconds:N0} s) | CPU s idle would spend in that time | CPU s per checkout | the same, less idle |");
                report.Line("|---|---:|---:|---:|---:|");
                foreach (var (process, seconds) in best.CpuSeconds.OrderByDescending(entry => entry.Value).Append(KeyValuePair.Create("**all**", best.CpuSeconds.Values.Sum())))
                {
                    var idle = (process == "**all**" ? capacity.IdleCpuPerSecond.Values.Sum() : capacity.IdleCpuPerSecond.GetValueOrDefault(process)) * best.WallSeconds;
                    report.Line($"| {process} | {seconds:N2} | {idle:N2} | {PerCheckout(seconds, best)} | {PerCheckout(Math.Max(0, seconds - idle), best)} |");
                }
            }
        }
        // Not sustaining even the first step is a finding, not a broken invariant; a step's failed arrivals are in its row.
        return 0;
    }

    private static string PerCheckout(double seconds, Step step) =>
        step.Window.PaidCheckouts == 0 ? "–" : (seconds / step.Window.PaidCheckouts).ToString("N3", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<ModeCapacity> RampAsync(string mode, CapacitySettings settings)
    {
        await using var session = await LoadSession.StartAsync(mode, settings.Shoppers, TimeSpan.FromSeconds(settings.TimeoutSeconds));
        var (shop, journeys, timings) = (session.Shop, session.Journeys, session.Timings);
        // Every route's code paths run (and are compiled) before the first step: at 1/s a few seconds see no checkout at all.
        var warmupRate = Math.Max(settings.Start, 5);
        Report.Log($"{mode}: 15 s warm-up at {warmupRate}/s");
        await OpenLoop.RunAsync(journeys, settings.Mix, settings.Schedule, warmupRate, TimeSpan.FromSeconds(15), seed: 1);
        await journeys.SettleAsync();
        Report.Log($"{mode}: {IdleWindow.TotalSeconds:N0} s idle, to learn what the processes spend with no traffic");
        var idleFrom = ProcessCpu.Read(shop);
        await Task.Delay(IdleWindow);
        var idleCpuPerSecond = ProcessCpu.Minus(ProcessCpu.Read(shop), idleFrom).ToDictionary(entry => entry.Key, entry => entry.Value / IdleWindow.TotalSeconds);

        var steps = new List<Step>();
        // A step that is not sustained is run once more at the same rate before the ramp ends: on two shared cores one pause
        // (a collection, a burst of background work) decides the p99 of a 20 s step; both runs are in the report.
        var repeating = false;
        for (var (rate, n) = (settings.Start, 0); rate <= settings.MaxRate + 1e-9; n++)
        {
            var cpuBefore = ProcessCpu.Read(shop);
            var stepClock = System.Diagnostics.Stopwatch.StartNew();
            var (stepStart, stepTimestamp) = (DateTimeOffset.UtcNow, System.Diagnostics.Stopwatch.GetTimestamp());
            var window = await OpenLoop.RunAsync(journeys, settings.Mix, settings.Schedule, rate, TimeSpan.FromSeconds(settings.StepSeconds), seed: 100 + n);
            await journeys.SettleAsync();
            var cpu = ProcessCpu.Minus(ProcessCpu.Read(shop), cpuBefore);
            var requests = timings.Since(stepTimestamp);
            var sustained = window.Overall.ErrorCount == 0 && requests.All.P99Ms < settings.P99LimitMs;
            steps.Add(new Step(window, requests, await CheckoutBreakdown.ReadAsync(shop, stepStart), cpu, stepClock.Elapsed.TotalSeconds, sustained, repeating));
            var verdict = sustained ? "sustained" : repeating ? "not sustained again, the ramp ends" : "not sustained, once more at this rate";
            Report.Log($"{mode}: {rate:N1} arrivals/s → {window.Overall.CompletedPerSecond:N2} completed/s, {window.CheckoutsPerSecond:N2} checkouts/s, " +
                $"request p99 {Report.Ms(requests.All.P99Ms)} ms, arrival p99 {Report.Ms(window.Overall.P99Ms)} ms, errors {Report.Errors(window.Overall.Errors)}: {verdict}");
            if (!sustained && repeating)
            {
                break;
            }
            repeating = !sustained;
            if (sustained)
            {
                rate += settings.StepBy;
            }
        }

        Report.Log($"{mode}: pgbench, {settings.PgbenchClients} clients, {settings.PgbenchSeconds} s");
        var tps = await Database.PgbenchTpsAsync(shop, settings.PgbenchClients, settings.PgbenchSeconds);
        Report.Log($"{mode}: pgbench {tps:N0} tps; stopping");
        return new ModeCapacity(mode, steps, tps, idleCpuPerSecond);
    }
}
