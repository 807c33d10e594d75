using ECommerce.AppHost.Hosting;
using ECommerce.AppHost.Orchestration;

namespace ECommerce.AppHost.Tests.Harness;

/// <summary>
/// An AppHost with a mesh declared by the test, run inside the test process (the orchestrator and
/// dashboard are the real ones; services are real child processes).
/// </summary>
public sealed class InProcessAppHost : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task<int> _run = Task.FromResult(0);

    private InProcessAppHost(AppHostOptions options)
    {
        Options = options;
    }

    public AppHostOptions Options { get; }
    public OutputLines Output { get; } = new();
    public OutputLines Errors { get; } = new();
    public DashboardClient Dashboard { get; private set; } = null!;

    public static AppHostOptions TemporaryOptions() => new()
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), $"ecommerce-apphost-test-{Guid.NewGuid():N}"),
        DashboardPort = 0,
    };

    /// <summary>Declares the mesh, starts it and returns once its dashboard answers.</summary>
    public static async Task<InProcessAppHost> StartAsync(Action<DistributedApplicationBuilder> declare, CancellationToken cancellationToken,
        AppHostOptions? options = null)
    {
        var host = new InProcessAppHost(options ?? TemporaryOptions());
        var console = new AppHostConsole(new OutputLinesWriter(host.Output), new OutputLinesWriter(host.Errors));
        var builder = new DistributedApplicationBuilder(host.Options, RepositoryLayout.Locate(), console);
        declare(builder);
        host._run = builder.Build().RunAsync(host._stop.Token);
        var dashboardLine = await host.Output.WaitForAsync("Dashboard: ", TimeSpan.FromSeconds(60), cancellationToken,
            host.Diagnostics);
        host.Dashboard = new DashboardClient(new Uri(dashboardLine["Dashboard: ".Length..]));
        return host;
    }

    /// <summary>For a failed wait: the AppHost's errors and the last lines of every resource's log.</summary>
    public string Diagnostics() => ResourceLogs.Describe(Errors, Options.DataDirectory);

    /// <summary>Stops the mesh as Ctrl+C would and returns the AppHost's exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await _run;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Dashboard?.Dispose();
        _stop.Dispose();
        Processes.DeleteDirectory(Options.DataDirectory);
    }
}
