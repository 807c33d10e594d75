using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ECommerce.AppHost.Tests.Harness;

/// <summary>
/// The real AppHost (ECommerce.AppHost.dll, the same build eng/run.sh runs) as its own process, with its
/// data in a temporary folder and its dashboard on a free port. It leads a process group of its own, as
/// a command started in a terminal does, so that a test can press Ctrl+C (<see cref="SignalGroup"/>).
/// </summary>
public sealed class AppHostProcess : IAsyncDisposable
{
    /// <summary>The resources ECommerce.AppHost/Program.cs declares, in its order.</summary>
    public static readonly string[] MeshResources = ["postgres", "redis", "kafka", "users", "catalog", "search", "gateway"];

    /// <summary>The same with --mode monolith: every service in one resource.</summary>
    public static readonly string[] MonolithResources = ["postgres", "redis", "kafka", "monolith"];

    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly Process _process;

    private AppHostProcess(Process process, string dataDirectory)
    {
        _process = process;
        DataDirectory = dataDirectory;
    }

    public OutputLines Output { get; } = new();
    public OutputLines Errors { get; } = new();
    public string DataDirectory { get; }
    public int Id => _process.Id;
    public DashboardClient Dashboard { get; private set; } = null!;

    /// <summary>Starts the AppHost and returns once its dashboard answers (resources may still be starting).</summary>
    /// <param name="arguments">More of its command line, e.g. "--mode", "monolith".</param>
    public static async Task<AppHostProcess> StartAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"ecommerce-apphost-test-{Guid.NewGuid():N}");
        // setsid execs in place (the new process leads no group yet), so the pid is the AppHost's own.
        var startInfo = new ProcessStartInfo("/usr/bin/setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "dotnet", Path.Combine(AppContext.BaseDirectory, "ECommerce.AppHost.dll"), "--data-dir", dataDirectory, "--dashboard-port", "0" }.Concat(arguments))
        {
            startInfo.ArgumentList.Add(argument);
        }
        var process = new Process { StartInfo = startInfo };
        var host = new AppHostProcess(process, dataDirectory);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                host.Output.Add(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                host.Errors.Add(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var dashboardLine = await host.Output.WaitForAsync("Dashboard: ", StartTimeout, cancellationToken, host.DescribeErrors);
        host.Dashboard = new DashboardClient(new Uri(dashboardLine["Dashboard: ".Length..]));
        return host;
    }

    /// <summary>Waits for "Ready: …", printed once every resource is running and healthy.</summary>
    public Task<string> WaitUntilReadyAsync(CancellationToken cancellationToken) =>
        Output.WaitForAsync("Ready: ", StartTimeout, cancellationToken, DescribeErrors);

    public void Signal(int signal) => Kill(_process.Id, signal);

    /// <summary>What a terminal does on Ctrl+C: signals every process of the AppHost's process group.</summary>
    public void SignalGroup(int signal) => Kill(-_process.Id, signal);

    private static void Kill(int pid, int signal)
    {
        if (kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>Waits for the AppHost to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        await _process.WaitForExitAsync(limit.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signal(SigTerm);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        Dashboard?.Dispose();
        _process.Dispose();
        Processes.DeleteDirectory(DataDirectory);
    }

    private string DescribeErrors() => ResourceLogs.Describe(Errors, DataDirectory);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
