using System.CommandLine;
using System.Diagnostics;
using ECommerce.Orders.Benchmarks;

namespace ECommerce.Load;

/// <summary>
/// `chaos`: a steady load through the REST edge while processes and servers fail, then the shop's promises checked from its
/// databases and the provider's records (<see cref="ShopInvariants"/>). Faults: every --kill-every seconds a random service
/// (Orders, Payment, Catalog, Cart, Shipping; the monolith in monolith mode) is killed with SIGKILL and the AppHost restarts it;
/// PostgreSQL is stopped for --outage seconds at 30 % of the window; every Kafka broker goes down for --outage seconds at 60 %.
/// </summary>
internal static class ChaosCommand
{
    private static readonly string[] MeshVictims = ["orders", "payment", "catalog", "cart", "shipping"];

    public static Command Create()
    {
        var mode = CommandOptions.Mode(allowBoth: false);
        var seconds = CommandOptions.Positive("--seconds", 120, "Seconds of load with faults");
        var rate = CommandOptions.PositiveRate("--rate", 3, "Arrivals per second, all routes together");
        var killEvery = CommandOptions.Positive("--kill-every", 8, "Seconds between two kills of a random service");
        var outage = CommandOptions.Positive("--outage", 10, "Seconds PostgreSQL, then Kafka, stay down");
        var settle = CommandOptions.Positive("--settle", 240, "Seconds the orders get to finish their checkouts once the faults stop");
        var mix = CommandOptions.Mix();
        mix.DefaultValueFactory = _ => TrafficMix.Chaos;
        var command = new Command("chaos", "Steady load while services are killed, PostgreSQL stopped and Kafka taken down; then checks the shop's invariants")
        {
            mode, seconds, rate, killEvery, outage, settle, mix,
        };
        command.SetAction(async (parsed, _) => await RunAsync(parsed.GetValue(mode)!, parsed.GetValue(seconds), parsed.GetValue(rate),
            parsed.GetValue(killEvery), parsed.GetValue(outage), parsed.GetValue(settle), parsed.GetValue(mix)!));
        return command;
    }

    private static async Task<int> RunAsync(string mode, int seconds, double rate, int killEvery, int outageSeconds, int settleSeconds, TrafficMix mix)
    {
        var report = Report.Start($"{mode}; {rate} arrivals/s for {seconds} s, mix {mix}; a kill every {killEvery} s, " +
            $"PostgreSQL and Kafka down {outageSeconds} s each; {settleSeconds} s to settle");
        var shoppers = Math.Max(16, (int)Math.Ceiling(rate * (mix.Share(Route.Cart) + mix.Share(Route.Checkout)) * 30));
        // Requests wait out a restart or an outage rather than count as lost: the invariants, not the latency, are the subject.
        await using var session = await LoadSession.StartAsync(mode, shoppers, TimeSpan.FromSeconds(60));
        var (shop, journeys) = (session.Shop, session.Journeys);
        var invariants = new ShopInvariants(shop.Database, session.Provider, shop.KafkaConnectionString);
        var initialStock = await invariants.StockAsync();

        Report.Log($"{mode}: {seconds} s of load with faults");
        var window = TimeSpan.FromSeconds(seconds);
        var load = OpenLoop.RunAsync(journeys, mix, ArrivalSchedule.Poisson, rate, window, seed: 3);
        var faults = await FaultsAsync(shop, window, TimeSpan.FromSeconds(killEvery), TimeSpan.FromSeconds(outageSeconds));
        var figures = await load;
        await journeys.SettleAsync();
        Report.Log($"{mode}: faults over; {figures.Overall.Completed} of {figures.Overall.Offered} arrivals succeeded; checking the invariants");
        var restarted = await RestartedAsync(shop, faults, TimeSpan.FromSeconds(settleSeconds));
        IReadOnlyList<Invariant> held = [restarted, .. await invariants.CheckAsync(initialStock, TimeSpan.FromSeconds(settleSeconds), Report.Log)];

        report.Heading("Chaos run");
        report.Line($"{mode}: {rate} arrivals/s (Poisson) for {seconds} s through the REST edge, mix {mix}, 60 s request timeout, while:");
        report.Line();
        report.Line("| at s | fault | outcome |");
        report.Line("|---:|---|---|");
        foreach (var fault in faults)
        {
            report.Line($"| {fault.AtSeconds:N1} | {fault.What} | {fault.Outcome} |");
        }
        report.Line();
        report.Line("The load meanwhile (errors are expected while a service is down; what matters is below):");
        report.Line();
        report.RouteTable(figures);
        report.Line();
        report.Line($"Paid checkouts: {figures.PaidCheckouts}.");
        report.Line();
        report.Line("| invariant | figure | held |");
        report.Line("|---|---|---|");
        foreach (var invariant in held)
        {
            report.Line($"| {invariant.Name} | {invariant.Figure} | {(invariant.Held ? "yes" : "**NO**")} |");
        }
        report.Line();
        report.Line("Log records a service killed with SIGKILL still held for Kafka come after every number of its run that Kafka got: they " +
            "leave no gap, so the log invariant cannot see them, and the service can report nothing.");
        var failed = held.Where(invariant => !invariant.Held).ToList();
        report.Line();
        report.Line(failed.Count == 0 ? "Every invariant held." : $"NOT AS IT MUST BE: {string.Join("; ", failed.Select(invariant => invariant.Name))}.");
        return failed.Count == 0 ? 0 : 1;
    }

    private sealed record Fault(double AtSeconds, string What, string Outcome, string? Killed = null);

    /// <summary>Every service the run killed runs and is healthy again: the AppHost restarted it (Aspire itself restarts nothing).</summary>
    private static async Task<Invariant> RestartedAsync(RunningShop shop, IReadOnlyList<Fault> faults, TimeSpan patience)
    {
        var killed = faults.Select(fault => fault.Killed).OfType<string>().Distinct().Order().ToList();
        var clock = Stopwatch.StartNew();
        using var limit = new CancellationTokenSource(patience);
        var down = new List<string>();
        foreach (var victim in killed)
        {
            try
            {
                await shop.WaitUntilHealthyAsync(victim, limit.Token);
            }
            catch (OperationCanceledException)
            {
                down.Add(victim);
            }
        }
        return new Invariant("every killed service runs again (restarted by the AppHost)",
            $"{killed.Count - down.Count} of {killed.Count} ({string.Join(", ", killed)}) healthy {clock.Elapsed.TotalSeconds:N0} s after the faults stopped" +
            (down.Count == 0 ? "" : $"; still down: {string.Join(", ", down)}"), killed.Count > 0 && down.Count == 0);
    }

    /// <summary>Kills on a timer for the whole window, with the PostgreSQL and Kafka outages at 30 % and 60 % of it.</summary>
    private static async Task<IReadOnlyList<Fault>> FaultsAsync(RunningShop shop, TimeSpan window, TimeSpan killEvery, TimeSpan outage)
    {
        var clock = Stopwatch.StartNew();
        var faults = new List<Fault>();
        void Record(string what, string outcome, string? killed = null)
        {
            lock (faults)
            {
                faults.Add(new Fault(clock.Elapsed.TotalSeconds, what, outcome, killed));
            }
            Report.Log($"fault: {what}: {outcome}");
        }

        async Task OutageAsync(double at, string resource, string name)
        {
            await Task.Delay(window * at);
            var stop = await shop.CommandAsync(resource, "outage-stop");
            Record($"{name} down", stop.Success ? "stopped" : $"could not stop: {stop.Message}");
            await Task.Delay(outage);
            var start = await shop.CommandAsync(resource, "outage-start");
            Record($"{name} up", start.Success ? "serving again" : $"could not start: {start.Message}");
        }

        async Task KillsAsync()
        {
            var random = new Random(4);
            string[] victims = shop.Mode == "monolith" ? ["monolith"] : MeshVictims;
            while (true)
            {
                await Task.Delay(killEvery);
                if (clock.Elapsed >= window)
                {
                    return;
                }
                var victim = victims[random.Next(victims.Length)];
                if (shop.ProcessIds().TryGetValue(victim, out var pid) && Kill(pid))
                {
                    Record($"kill -9 {victim}", $"pid {pid} killed", killed: victim);
                }
                else
                {
                    Record($"kill -9 {victim}", "not running (still being restarted)");
                }
            }
        }

        await Task.WhenAll(KillsAsync(), OutageAsync(0.3, "postgres", "PostgreSQL"), OutageAsync(0.6, "kafka", "Kafka (every broker)"));
        return [.. faults.OrderBy(fault => fault.AtSeconds)];
    }

    /// <summary>
    /// SIGKILL (Process.Kill on Linux) to the resource's process and everything it started: no shutdown, no flush, as a crash
    /// or an OOM kill of a container gives. The whole tree: the process Aspire reports is the service's launcher (`dotnet
    /// run`), and killing it alone would leave the service itself running, orphaned, still holding its port.
    /// </summary>
    private static bool Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
