namespace ECommerce.Load;

/// <summary>
/// Progress to stderr, the Markdown report to stdout. The AppHost runs in this process and prints its readiness lines to the
/// console: they go to stderr with the progress, so that stdout holds the report alone.
/// </summary>
internal sealed class Report
{
    private readonly TextWriter _out;

    private Report()
    {
        _out = Console.Out;
        Console.SetOut(Console.Error);
        Command = "dotnet run -c Release --project benchmarks/ECommerce.Load -- " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));
        Started = DateTime.UtcNow;
        LoadBefore = LoadAverage();
    }

    public string Command { get; }
    public DateTime Started { get; }
    public string LoadBefore { get; }

    public static Report Start(string description)
    {
        var report = new Report();
        Log($"{Environment.ProcessorCount} cores, load average {report.LoadBefore}; {description}");
        return report;
    }

    public static void Log(string message) => Console.Error.WriteLine($"load {DateTime.UtcNow:HH:mm:ss}: {message}");

    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    public void Line(string text = "") => _out.WriteLine(text);

    public void Heading(string title)
    {
        Line($"# {title} — {Started:yyyy-MM-dd HH:mm} UTC, .NET {Environment.Version}, {Environment.ProcessorCount} cores, " +
            $"load average {LoadBefore} before, {LoadAverage()} after");
        Line();
        Line($"`{Command}`");
        Line();
    }

    /// <summary>Per route and overall: offered and completed/s, p50/p95/p99 of the successful arrivals, errors by kind.</summary>
    public void RouteTable(WindowFigures window)
    {
        Line("| route | offered/s | completed/s | p50 ms | p95 ms | p99 ms | errors |");
        Line("|---|---:|---:|---:|---:|---:|---|");
        foreach (var route in window.Routes.Append(window.Overall))
        {
            Line($"| {(route.Route is { } named ? TrafficMix.Name(named) : "**all**")} | {route.OfferedPerSecond:N2} | {route.CompletedPerSecond:N2} | " +
                $"{Ms(route.P50Ms)} | {Ms(route.P95Ms)} | {Ms(route.P99Ms)} | {Errors(route.Errors)} |");
        }
    }

    /// <summary>Per kind of request and over all: how many, p50/p95/p99 of those answered 2xx, and the others.</summary>
    public void RequestTable((IReadOnlyList<RequestFigures> Kinds, RequestFigures All) requests)
    {
        Line("| request | count | p50 ms | p95 ms | p99 ms | not 2xx |");
        Line("|---|---:|---:|---:|---:|---:|");
        foreach (var kind in requests.Kinds.Append(requests.All))
        {
            Line($"| {kind.Name} | {kind.Count} | {Ms(kind.P50Ms)} | {Ms(kind.P95Ms)} | {Ms(kind.P99Ms)} | {kind.Failed} |");
        }
    }

    public static string Ms(double ms) => double.IsNaN(ms) ? "–" : ms.ToString(ms < 10 ? "N1" : "N0", System.Globalization.CultureInfo.InvariantCulture);

    public static string Errors(IReadOnlyDictionary<string, int> errors) =>
        errors.Count == 0 ? "0" : string.Join(", ", errors.OrderByDescending(entry => entry.Value).Select(entry => $"{entry.Value} {entry.Key}"));
}
