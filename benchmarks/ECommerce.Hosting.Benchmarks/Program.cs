using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using ECommerce.Hosting.Benchmarks;

// dotnet run -c Release --project benchmarks/ECommerce.Hosting.Benchmarks [-- options]  (eng/bench-modes.sh builds and runs it)
// The same services hosted two ways by the AppHost, measured through the REST edge in one session: mesh (one
// process per service, gRPC over loopback TCP) and monolith (one process, in-process gRPC channels). See
// docs/benchmarks/modes.md.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var options = Options.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(Options.Usage);
    return 2;
}

var repository = FindRepository();
var configuration = typeof(Options).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
var appHost = Path.Combine(repository, "ECommerce.AppHost", "bin", configuration, $"net{Environment.Version.Major}.{Environment.Version.Minor}", "ECommerce.AppHost.dll");
if (!File.Exists(appHost))
{
    Console.Error.WriteLine($"bench-modes: {appHost} was not found. Fix: dotnet build benchmarks/ECommerce.Hosting.Benchmarks -c {configuration} (it builds the AppHost).");
    return 1;
}

var loadBefore = LoadAverage();
var started = DateTime.UtcNow;
Log($"{Environment.ProcessorCount} cores, load average {loadBefore}; modes {string.Join(", ", options.Modes)}; " +
    $"{options.Concurrency} concurrent callers, {options.WarmupSeconds} s warm-up + {options.Seconds} s per route; GC {options.Gc}");

var results = new List<ModeResult>();
foreach (var (mode, index) in options.Modes.Select((mode, index) => (mode, index)))
{
    var label = options.Modes.Count(m => m == mode) > 1 ? $"{mode} ({options.Modes.Take(index + 1).Count(m => m == mode)})" : mode;
    results.Add(await ModeBenchmark.RunAsync(appHost, mode, label, options, Log));
}
var loadAfter = LoadAverage();

Console.WriteLine($"# Mesh vs monolith — {started:yyyy-MM-dd HH:mm} UTC, commit {Git("rev-parse --short HEAD")}, .NET {Environment.Version}, " +
    $"{Environment.ProcessorCount} cores, load average {loadBefore} before, {loadAfter} after");
Console.WriteLine();
Console.WriteLine($"Closed loop through the REST edge: {options.Concurrency} concurrent callers, {options.WarmupSeconds} s warm-up then " +
    $"{options.Seconds} s measured per route; every caller from its own loopback address, a new one every {EdgeClients.RequestsPerAddress} " +
    $"requests ({EdgeClients.AddressesUsed:N0} addresses in all), so the gateway's per-client rate limit is never reached.");
foreach (var result in results)
{
    Console.WriteLine();
    Console.Write(result.Table());
}
Console.WriteLine();
Console.Write(Report.Ratios(results));
Console.WriteLine();
Console.WriteLine(Report.Legend);
return 0;

void Log(string message) => Console.Error.WriteLine($"bench-modes: {message}");

static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

static string FindRepository()
{
    var directory = new DirectoryInfo(AppContext.BaseDirectory);
    while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ECommerce.sln")))
    {
        directory = directory.Parent;
    }
    return directory?.FullName ?? throw new InvalidOperationException($"No ECommerce.sln above {AppContext.BaseDirectory}.");
}

static string Git(string arguments)
{
    try
    {
        var startInfo = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments.Split(' '))
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var git = Process.Start(startInfo)!;
        var output = git.StandardOutput.ReadToEnd().Trim();
        git.WaitForExit();
        return git.ExitCode == 0 ? output : "unknown";
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return "unknown";
    }
}

internal sealed record Options(IReadOnlyList<string> Modes, int Seconds, int WarmupSeconds, int Concurrency, int IdleSeconds, string Gc)
{
    public const string Usage =
        "usage: ECommerce.Hosting.Benchmarks [--modes mesh,monolith] [--seconds 10] [--warmup 2] [--concurrency 16] [--idle-seconds 3] [--gc as-built|workstation|server]\n" +
        "  --modes         the AppHost runs, in order; mesh,monolith,mesh adds a second mesh run that shows the noise\n" +
        "  --seconds       measured seconds per route; --warmup: unmeasured seconds before each route\n" +
        "  --concurrency   concurrent callers (closed loop)\n" +
        "  --idle-seconds  how long the services' CPU is watched with no requests, after the load\n" +
        "  --gc            as-built: each process's own runtimeconfig (services: server GC, the monolith host: workstation);\n" +
        "                  workstation or server: DOTNET_gcServer for the AppHost and every process it starts";

    public bool? GcServer => Gc switch { "server" => true, "workstation" => false, _ => null };

    public static Options? Parse(string[] args)
    {
        var options = new Options(["mesh", "monolith"], 10, 2, 16, 3, "as-built");
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            int? number = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
            switch (args[i])
            {
                case "--modes" when value?.Split(',') is { Length: > 0 } modes && modes.All(mode => mode is "mesh" or "monolith"):
                    options = options with { Modes = modes };
                    break;
                case "--seconds" when number > 0:
                    options = options with { Seconds = number.Value };
                    break;
                case "--warmup" when number >= 0:
                    options = options with { WarmupSeconds = number.Value };
                    break;
                case "--concurrency" when number > 0:
                    options = options with { Concurrency = number.Value };
                    break;
                case "--idle-seconds" when number > 0:
                    options = options with { IdleSeconds = number.Value };
                    break;
                case "--gc" when value is "as-built" or "workstation" or "server":
                    options = options with { Gc = value };
                    break;
                default:
                    Console.Error.WriteLine($"bench-modes: '{string.Join(' ', args.Skip(i).Take(2))}' is not understood.");
                    return null;
            }
            i++;
        }
        return options;
    }
}
