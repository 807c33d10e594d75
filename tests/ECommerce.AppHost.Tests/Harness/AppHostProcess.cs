using System.Diagnostics;
using ECommerce.LocalInfrastructure.Processes;

namespace ECommerce.AppHost.Tests.Harness;

/// <summary>
/// The real AppHost (ECommerce.AppHost.dll, the same build eng/run.sh runs) as its own process, as eng/run.sh starts it: the
/// Aspire Dashboard and its OTLP receiver on free loopback ports, plain HTTP, throwaway data. It leads a process group of its
/// own, as a command started in a terminal does.
/// </summary>
public sealed class AppHostProcess : IAsyncDisposable
{
    /// <summary>The resources ECommerce.AppHost/Program.cs declares (mesh mode), as the dashboard lists them.</summary>
    public static readonly string[] MeshResources = ["postgres", "redis", "kafka", "users-db", "catalog-db", "search-db", "cart-db", "payment-db", "shipping-db", "orders-db", "logging-db", "users", "catalog", "search", "cart", "payment-sandbox", "payment", "carrier-sandbox", "shipping", "orders", "logging", "gateway"];

    /// <summary>Tests that start an AppHost run one at a time: each runs the whole mesh, and the machine is small.</summary>
    public const string Collection = "AppHost processes";

    public const int SigKill = 9;
    public const int SigTerm = 15;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(240);

    private readonly Process _process;

    private AppHostProcess(Process process)
    {
        _process = process;
    }

    public OutputLines Output { get; } = new();
    public int Id => _process.Id;

    /// <summary>The dashboard's log-in address, with the browser token.</summary>
    public Uri DashboardLogin { get; private set; } = null!;

    /// <summary>Starts the AppHost and returns once it printed the dashboard's address (resources are still starting).</summary>
    public static async Task<AppHostProcess> StartAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        // setsid execs in place (the new process leads no group yet), so the pid is the AppHost's own.
        var startInfo = new ProcessStartInfo("/usr/bin/setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var argument in new[] { "dotnet", Repository.OutputAssembly("ECommerce.AppHost"), "--AppHost:ThrowawayData", "true" }.Concat(arguments))
        {
            startInfo.ArgumentList.Add(argument);
        }
        startInfo.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        startInfo.Environment["ASPNETCORE_URLS"] = $"http://{Loopback.Host}:{Loopback.FreePort()}";
        startInfo.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://{Loopback.Host}:{Loopback.FreePort()}";
        startInfo.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://{Loopback.Host}:{Loopback.FreePort()}";
        var process = new Process { StartInfo = startInfo };
        var host = new AppHostProcess(process);
        process.OutputDataReceived += (_, e) => host.Output.Add(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => host.Output.Add("stderr: " + e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var dashboardLine = await host.Output.WaitForAsync("Dashboard: ", StartTimeout, cancellationToken);
        host.DashboardLogin = new Uri(dashboardLine["Dashboard: ".Length..]);
        return host;
    }

    /// <summary>Waits for "Ready: …", printed once every resource is running and healthy.</summary>
    public Task<string> WaitUntilReadyAsync(CancellationToken cancellationToken) =>
        Output.WaitForAsync("Ready: ", StartTimeout, cancellationToken);

    public void Signal(int signal)
    {
        Processes.Signal(_process.Id, signal);
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
            var started = Processes.StartedBy(_process.Id);
            Signal(SigTerm);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _process.WaitForExitAsync(limit.Token);
                await Processes.WaitUntilGoneAsync(started, TimeSpan.FromSeconds(30), CancellationToken.None);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }
}
