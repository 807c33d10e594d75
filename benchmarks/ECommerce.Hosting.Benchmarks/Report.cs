using System.Text;
using ECommerce.Benchmarking;

namespace ECommerce.Hosting.Benchmarks;

internal sealed record RouteResult(string Name, Measurements.Result Load, long Errors, Snapshot Cpu, string LoadAverage)
{
    private double PerThousand(double seconds) => Load.Count == 0 ? double.NaN : seconds * 1000 * 1000 / Load.Count;

    public double ServicesMsPerThousand => PerThousand(Cpu.ServicesTotal);
    public double AppHostMsPerThousand => PerThousand(Cpu.AppHost);
    public double DataStoresMsPerThousand => PerThousand(Cpu.DataStores);
    public double LoadGeneratorMsPerThousand => PerThousand(Cpu.LoadGenerator);

    public string ByProcess => Cpu.Services.Count == 1
        ? "–"
        : string.Join(", ", Cpu.Services.Select(service => $"{service.Key} {PerThousand(service.Value):N0}"));
}

internal sealed record ModeResult(
    string Label,
    string Mode,
    TimeSpan TimeToReady,
    TimeSpan ServicesStartToReady,
    IReadOnlyDictionary<string, long> RssReady,
    IReadOnlyDictionary<string, long> RssAfterLoad,
    long AppHostRss,
    IReadOnlyDictionary<string, string> GcModes,
    Snapshot Idle,
    int IdleSeconds,
    IReadOnlyList<RouteResult> Routes,
    TimeSpan StopTime,
    int ProductIds,
    long SearchHits)
{
    public double RssReadyMiB => RssReady.Values.Sum() / 1048576.0;
    public double RssAfterLoadMiB => RssAfterLoad.Values.Sum() / 1048576.0;
    public double IdleServicesMsPerSecond => Idle.ServicesTotal * 1000 / Idle.At.TotalSeconds;

    public string Table()
    {
        var text = new StringBuilder();
        var processes = RssReady.Count == 1 ? "1 service process" : $"{RssReady.Count} service processes";
        text.AppendLine($"## {Label}: {processes}");
        text.AppendLine();
        text.AppendLine($"- Ready {TimeToReady.TotalSeconds:N1} s after start (fresh data directory: initdb, migrations, 1,200 demo products); " +
            $"{ServicesStartToReady.TotalSeconds:N1} s from PostgreSQL ready to Ready. Stopped (SIGTERM → exit) in {StopTime.TotalSeconds:N1} s.");
        text.AppendLine($"- Resident memory of the service processes (VmRSS): {RssReadyMiB:N0} MiB when ready, {RssAfterLoadMiB:N0} MiB after the load" +
            (RssAfterLoad.Count > 1 ? $" ({string.Join(", ", RssAfterLoad.Select(p => $"{p.Key} {p.Value / 1048576.0:N0}"))})" : "") +
            $"; the AppHost itself {AppHostRss / 1048576.0:N0} MiB. GC: {string.Join(", ", GcModes.Select(p => $"{p.Key} {p.Value}"))}.");
        text.AppendLine($"- Idle CPU of the service processes (no requests, {IdleSeconds} s after the load): {IdleServicesMsPerSecond:N1} ms per second" +
            (Idle.Services.Count > 1 ? $" ({string.Join(", ", Idle.Services.Select(p => $"{p.Key} {p.Value * 1000 / Idle.At.TotalSeconds:N1}"))})" : "") + ".");
        text.AppendLine();
        text.AppendLine("| route | req/s | p50 ms | p99 ms | services CPU ms / 1k req | by process | AppHost | PostgreSQL + Redis | load generator | errors | load avg |");
        text.AppendLine("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|");
        foreach (var route in Routes)
        {
            text.AppendLine($"| {route.Name} | {route.Load.PerSecond:N0} | {route.Load.P50Ms:N2} | {route.Load.P99Ms:N2} | {route.ServicesMsPerThousand:N0} | " +
                $"{route.ByProcess} | {route.AppHostMsPerThousand:N0} | {route.DataStoresMsPerThousand:N0} | {route.LoadGeneratorMsPerThousand:N0} | {route.Errors} | {route.LoadAverage} |");
        }
        return text.ToString();
    }
}

internal static class Report
{
    public const string Legend =
        "CPU columns: user + system seconds over the measured run (/proc/<pid>/stat), in ms per 1,000 requests. " +
        "Services: the 4 service processes (mesh) or the monolith process; AppHost: the orchestrator, whose dashboard receives every " +
        "process's traces, logs and metrics over OTLP and which hosts the Kafka dev cluster; PostgreSQL: postmaster and backends. " +
        "With everything on 2 cores, req/s follows the CPU each request costs all processes together, load generator included; " +
        "CPU per request is the steadier comparison. Latency is measured by the caller (nearest rank), including its own queuing.";

    /// <summary>Each figure per run, and monolith over mesh (mesh: the mean of its runs); a second mesh run gives the noise.</summary>
    public static string Ratios(IReadOnlyList<ModeResult> results)
    {
        var mesh = results.Where(r => r.Mode == "mesh").ToList();
        var monolith = results.Where(r => r.Mode == "monolith").ToList();
        var text = new StringBuilder();
        text.AppendLine("## Monolith / mesh");
        text.AppendLine();
        var noise = mesh.Count >= 2;
        text.AppendLine($"| figure | {string.Join(" | ", results.Select(r => r.Label))} | monolith / mesh |{(noise ? $" {mesh[1].Label} / {mesh[0].Label} |" : "")}");
        text.AppendLine($"|---|{string.Concat(results.Select(_ => "---:|"))}---:|{(noise ? "---:|" : "")}");

        void Row(string name, Func<ModeResult, double> figure, string format)
        {
            var ratio = mesh.Count > 0 && monolith.Count > 0 ? monolith.Average(figure) / mesh.Average(figure) : double.NaN;
            text.Append($"| {name} | {string.Join(" | ", results.Select(r => figure(r).ToString(format)))} | {(double.IsNaN(ratio) ? "–" : ratio.ToString("N2"))} |");
            text.AppendLine(noise ? $" {figure(mesh[1]) / figure(mesh[0]):N2} |" : "");
        }

        Row("time to Ready, s", r => r.TimeToReady.TotalSeconds, "N1");
        Row("first service start → Ready, s", r => r.ServicesStartToReady.TotalSeconds, "N1");
        Row("services RSS when ready, MiB", r => r.RssReadyMiB, "N0");
        Row("services RSS after load, MiB", r => r.RssAfterLoadMiB, "N0");
        Row("services idle CPU, ms/s", r => r.IdleServicesMsPerSecond, "N1");
        var routes = results[0].Routes.Select(route => route.Name).ToList();
        foreach (var (route, index) in routes.Select((route, index) => (route, index)))
        {
            var shortName = route.Split(" (")[0];
            Row($"{shortName}: req/s", r => r.Routes[index].Load.PerSecond, "N0");
            Row($"{shortName}: p50 ms", r => r.Routes[index].Load.P50Ms, "N2");
            Row($"{shortName}: p99 ms", r => r.Routes[index].Load.P99Ms, "N2");
            Row($"{shortName}: services CPU ms / 1k req", r => r.Routes[index].ServicesMsPerThousand, "N0");
            Row($"{shortName}: all processes CPU ms / 1k req", r => r.Routes[index].ServicesMsPerThousand + r.Routes[index].AppHostMsPerThousand +
                r.Routes[index].DataStoresMsPerThousand + r.Routes[index].LoadGeneratorMsPerThousand, "N0");
        }
        return text.ToString();
    }
}
