using System.CommandLine;

namespace ECommerce.Load;

/// <summary>`load`: open-loop mixed traffic at a fixed arrival rate, per route offered and completed/s, latency and errors.</summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var mode = CommandOptions.Mode(allowBoth: true);
        var rate = CommandOptions.PositiveRate("--rate", 5, "Arrivals per second, all routes together");
        var seconds = CommandOptions.Positive("--seconds", 30, "Seconds of measured arrivals per mode");
        var warmup = new Option<int>("--warmup") { Description = "Unmeasured seconds at the same rate first (JIT, pools, caches)", DefaultValueFactory = _ => 5 };
        var mix = CommandOptions.Mix();
        var schedule = CommandOptions.Schedule();
        var shoppers = new Option<int?>("--shoppers") { Description = "Signed-in shoppers for cart and checkout (default: enough for ~10 s of those arrivals, at least 16)" };
        var timeout = CommandOptions.TimeoutSeconds();
        var command = new Command("load", "Open-loop arrivals at --rate per second, each to a route picked by --mix weights") { mode, rate, seconds, warmup, mix, schedule, shoppers, timeout };
        command.SetAction(async (parsed, _) =>
        {
            var settings = new LoadSettings(CommandOptions.Modes(parsed.GetValue(mode)!), parsed.GetValue(rate), parsed.GetValue(seconds),
                Math.Max(0, parsed.GetValue(warmup)), parsed.GetValue(mix)!, parsed.GetValue(schedule), parsed.GetValue(shoppers), parsed.GetValue(timeout));
            return await RunAsync(settings);
        });
        return command;
    }

    private sealed record LoadSettings(string[] Modes, double Rate, int Seconds, int WarmupSeconds, TrafficMix Mix, ArrivalSchedule Schedule,
        int? Shoppers, int TimeoutSeconds)
    {
        /// <summary>Enough that cart and checkout arrivals of ~10 s (each holds a shopper until it ends) find one free.</summary>
        public int ShopperCount => Shoppers ?? Math.Max(16, (int)Math.Ceiling(Rate * (Mix.Share(Route.Cart) + Mix.Share(Route.Checkout)) * 10));
    }

    private static async Task<int> RunAsync(LoadSettings settings)
    {
        var report = Report.Start($"modes {string.Join(", ", settings.Modes)}; {settings.Rate} arrivals/s ({settings.Schedule}) for " +
            $"{settings.WarmupSeconds} s warm-up + {settings.Seconds} s; mix {settings.Mix}; {settings.ShopperCount} shoppers");
        var results = new List<(string Mode, WindowFigures Window, SeededShop Seeded, ShopperJourneys Journeys, CheckoutBreakdown Breakdown, (IReadOnlyList<RequestFigures>, RequestFigures) Requests)>();
        foreach (var mode in settings.Modes)
        {
            await using var session = await LoadSession.StartAsync(mode, settings.ShopperCount, TimeSpan.FromSeconds(settings.TimeoutSeconds));
            var (seeded, journeys) = (session.Seeded, session.Journeys);
            if (settings.WarmupSeconds > 0)
            {
                Report.Log($"{mode}: {settings.WarmupSeconds} s warm-up at {settings.Rate}/s");
                await OpenLoop.RunAsync(journeys, settings.Mix, settings.Schedule, settings.Rate, TimeSpan.FromSeconds(settings.WarmupSeconds), seed: 1);
                await journeys.SettleAsync();
            }
            Report.Log($"{mode}: {settings.Seconds} s at {settings.Rate} arrivals/s");
            var (windowStart, windowTimestamp) = (DateTimeOffset.UtcNow, System.Diagnostics.Stopwatch.GetTimestamp());
            var window = await OpenLoop.RunAsync(journeys, settings.Mix, settings.Schedule, settings.Rate, TimeSpan.FromSeconds(settings.Seconds), seed: 2);
            await journeys.SettleAsync();
            Report.Log($"{mode}: {window.Overall.Completed} of {window.Overall.Offered} arrivals completed, p99 {Report.Ms(window.Overall.P99Ms)} ms, " +
                $"{window.PaidCheckouts} paid checkouts; stopping");
            results.Add((mode, window, seeded, journeys, await CheckoutBreakdown.ReadAsync(session.Shop, windowStart), session.Timings.Since(windowTimestamp)));
        }

        report.Heading("Shop load (open loop)");
        report.Line($"{settings.Rate} arrivals/s ({settings.Schedule.ToString().ToLowerInvariant()} schedule) for {settings.Seconds} s after {settings.WarmupSeconds} s of warm-up, " +
            $"through the REST edge; mix {settings.Mix}. Latency from each arrival's scheduled start; percentiles over the arrivals that succeeded; " +
            $"completed/s over the time until the window's last arrival finished. Timeout {settings.TimeoutSeconds} s.");
        var failures = new List<string>();
        foreach (var (mode, window, seeded, journeys, breakdown, requests) in results)
        {
            report.Line();
            report.Line($"## {mode}");
            report.Line();
            report.RouteTable(window);
            report.Line();
            report.Line("Each request of those arrivals, from its sending to its answer (a checkout arrival is add to cart, quote, place order):");
            report.Line();
            report.RequestTable(requests);
            report.Line();
            report.Line($"Checkouts: **{window.CheckoutsPerSecond:N2} paid orders/s** ({window.PaidCheckouts} paid). Most arrivals in flight at once: {window.MostInFlight}; " +
                $"the last finished {window.DrainSeconds:N1} s after the window. {seeded.ShopperCount} shoppers, {seeded.RetiredShoppers} retired after an error; " +
                $"{journeys.HousekeepingReads} untimed cart reads waiting for carts to empty after orders.");
            if (breakdown.Orders > 0)
            {
                report.Line();
                breakdown.Write(report);
            }
            if (window.Overall.ErrorCount > 0)
            {
                failures.Add($"{mode}: {window.Overall.ErrorCount} arrivals failed ({Report.Errors(window.Overall.Errors)})");
            }
        }
        report.Line();
        report.Line(failures.Count == 0 ? "Every arrival succeeded and every checkout was paid." : $"NOT AS IT MUST BE: {string.Join("; ", failures)}.");
        return failures.Count == 0 ? 0 : 1;
    }
}
