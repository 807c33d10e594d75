using System.Diagnostics;
using System.Runtime.InteropServices;
using ECommerce.LocalInfrastructure.Processes;

namespace ECommerce.Hosting.Benchmarks;

/// <summary>
/// One run of the real AppHost (ECommerce.AppHost.dll, as eng/run.sh runs it) in one mode, with a fresh data
/// directory and a free dashboard port; stopped with SIGTERM as Ctrl+C would, its data deleted afterwards.
/// </summary>
internal sealed class AppHostRun : IAsyncDisposable
{
    private const int SigTerm = 15;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);

    private readonly Process _process;
    private readonly List<(TimeSpan At, string Line)> _lines = [];
    private readonly Lock _lock = new();
    private readonly Stopwatch _clock;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppHostRun(Process process, string dataDirectory, Stopwatch clock)
    {
        _process = process;
        DataDirectory = dataDirectory;
        _clock = clock;
    }

    public string DataDirectory { get; }
    public int Id => _process.Id;
    public Uri Dashboard { get; private set; } = null!;
    public Uri RestEdge { get; private set; } = null!;

    /// <summary>From starting `dotnet ECommerce.AppHost.dll` to its "Ready: " line.</summary>
    public TimeSpan TimeToReady { get; private set; }

    /// <summary>From "postgres: ready" to "Ready: ": the services' own start-up, without PostgreSQL's initdb.</summary>
    public TimeSpan ServicesStartToReady { get; private set; }

    /// <summary>The service processes (mesh: one per service; monolith: one), by resource name.</summary>
    public IReadOnlyDictionary<string, int> Services { get; private set; } = new Dictionary<string, int>();
    public int PostgresId { get; private set; }
    public int RedisId { get; private set; }

    /// <param name="gcServer">null: each process as built; otherwise DOTNET_gcServer for the AppHost and (inherited) every service.</param>
    public static async Task<AppHostRun> StartAsync(string appHostAssembly, string mode, bool? gcServer)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"ecommerce-bench-modes-{mode}-{Guid.NewGuid():N}");
        // Through setpriv --pdeathsig, as the AppHost starts its own children: if this benchmark dies, the kernel stops
        // the AppHost, which stops everything it started. setpriv execs, so the pid is the AppHost's own.
        var startInfo = new ProcessStartInfo("/usr/bin/setpriv")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--pdeathsig=TERM", "--", "dotnet", appHostAssembly, "--mode", mode, "--AppHost:DataDirectory", dataDirectory })
        {
            startInfo.ArgumentList.Add(argument);
        }
        // As eng/run.sh runs it, on free ports: the Aspire Dashboard, its OTLP receiver and resource service, plain HTTP on loopback.
        startInfo.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        startInfo.Environment["ASPNETCORE_URLS"] = $"http://{Loopback.Host}:{Loopback.FreePort()}";
        startInfo.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://{Loopback.Host}:{Loopback.FreePort()}";
        startInfo.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://{Loopback.Host}:{Loopback.FreePort()}";
        if (gcServer is { } server)
        {
            startInfo.Environment["DOTNET_gcServer"] = server ? "1" : "0";
        }
        var clock = Stopwatch.StartNew();
        var process = new Process { StartInfo = startInfo };
        var run = new AppHostRun(process, dataDirectory, clock);
        process.OutputDataReceived += (_, e) => run.Add(e.Data);
        process.ErrorDataReceived += (_, e) => run.Add(e.Data is null ? null : "stderr: " + e.Data);
        StartFromLastingThread(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await run.WaitUntilReadyAsync(mode);
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
        return run;
    }

    /// <summary>
    /// The kernel ties the death signal to the thread that forked, and .NET forks from the calling thread, which may be
    /// a thread-pool thread that later retires (and would stop the AppHost mid-run): fork from a thread that lasts.
    /// </summary>
    private static void StartFromLastingThread(Process process)
    {
        Exception? failure = null;
        using var started = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            try
            {
                process.Start();
            }
            catch (Exception e)
            {
                failure = e;
            }
            started.Set();
            Thread.Sleep(Timeout.Infinite);
        })
        { IsBackground = true, Name = "apphost-parent" };
        thread.Start();
        started.Wait();
        if (failure is not null)
        {
            throw new InvalidOperationException($"Could not start the AppHost: {failure.Message}", failure);
        }
    }

    private async Task WaitUntilReadyAsync(string mode)
    {
        var (readyAt, ready) = await WaitForLineAsync(line => line.StartsWith("Ready: ", StringComparison.Ordinal) || line.StartsWith("Not ready: ", StringComparison.Ordinal));
        if (!ready.StartsWith("Ready: ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The AppHost ({mode}) did not get ready:\n{Output()}");
        }
        TimeToReady = readyAt;
        Dashboard = new Uri(Line("Dashboard: ")!.Split(' ')[1]);
        RestEdge = new Uri(Line("REST edge: ")!.Split(' ')[2]);
        var serviceNames = mode == "monolith" ? new[] { "monolith" } : ["users", "catalog", "search", "gateway"];
        lock (_lock)
        {
            ServicesStartToReady = readyAt - _lines.First(entry => entry.Line.StartsWith("postgres: ready", StringComparison.Ordinal)).At;
        }
        // "<resource>: ready (pid N)"; DCP runs a service through `dotnet run`, whose child is the service's own process.
        int ProcessOf(string resource) => int.Parse(Line($"{resource}: ready (pid ")!.Split("(pid ")[1].TrimEnd(')'), System.Globalization.CultureInfo.InvariantCulture);
        Services = serviceNames.ToDictionary(name => name, name => ProcStats.ChildrenOf(ProcessOf(name)).Cast<int?>().FirstOrDefault() ?? ProcessOf(name));
        PostgresId = ProcessOf("postgres");
        RedisId = ProcessOf("redis");
    }

    /// <summary>SIGTERM (what Ctrl+C does), then waits for the AppHost to stop everything and exit.</summary>
    public async Task<TimeSpan> StopAsync()
    {
        if (_process.HasExited)
        {
            return TimeSpan.Zero;
        }
        var clock = Stopwatch.StartNew();
        _ = kill(_process.Id, SigTerm);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"bench-modes: the AppHost (pid {_process.Id}) did not exit within 90 s of SIGTERM; killing it.");
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        return clock.Elapsed;
    }

    public string Output()
    {
        lock (_lock)
        {
            return string.Join('\n', _lines.Select(entry => entry.Line));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }
        TaskCompletionSource changed;
        lock (_lock)
        {
            _lines.Add((_clock.Elapsed, line));
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    private string? Line(string prefix)
    {
        lock (_lock)
        {
            return _lines.Select(entry => entry.Line).FirstOrDefault(line => line.StartsWith(prefix, StringComparison.Ordinal));
        }
    }

    private async Task<(TimeSpan At, string Line)> WaitForLineAsync(Func<string, bool> match)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_lines.FirstOrDefault(entry => match(entry.Line)) is { Line: not null } found)
                {
                    return found;
                }
                changed = _changed.Task;
            }
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The AppHost exited with code {_process.ExitCode} before it was ready:\n{Output()}");
            }
            if (_clock.Elapsed > ReadyTimeout)
            {
                throw new TimeoutException($"The AppHost was not ready within {ReadyTimeout.TotalSeconds:0} s:\n{Output()}");
            }
            await Task.WhenAny(changed, Task.Delay(500));
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
