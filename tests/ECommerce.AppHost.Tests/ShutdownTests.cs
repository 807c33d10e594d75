using System.Diagnostics;
using ECommerce.AppHost.Tests.Harness;

namespace ECommerce.AppHost.Tests;

[Collection(AppHostProcessCollection.Name)]
public sealed class ShutdownTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sigterm_stops_every_resource_in_reverse_start_order_and_exits_cleanly()
    {
        await using var host = await AppHostProcess.StartAsync(Cancellation);
        await host.WaitUntilReadyAsync(Cancellation);
        var rows = await host.Dashboard.GetResourcesAsync(Cancellation);
        var pids = rows.Where(row => row.ProcessId is not null).Select(row => row.ProcessId!.Value).ToList();

        var clock = Stopwatch.StartNew();
        host.Signal(AppHostProcess.SigTerm);

        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(90), Cancellation));
        // Nothing waits out a stop timeout (PostgreSQL, for one, waits for every session to close first).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(12), $"stopping took {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.DoesNotContain(pids, Processes.IsRunning);
        var stopOrder = host.Output.All.Where(line => line.EndsWith(": stopped", StringComparison.Ordinal)).Select(line => line.Split(':')[0]);
        Assert.Equal(rows.Select(row => row.Name).Reverse(), stopOrder);
        Assert.DoesNotContain(host.Errors.All, line => line.Contains("exited unexpectedly", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ctrl_c_in_the_terminal_stops_everything_without_restarting_anything()
    {
        await using var host = await AppHostProcess.StartAsync(Cancellation);
        await host.WaitUntilReadyAsync(Cancellation);
        var pids = (await host.Dashboard.GetResourcesAsync(Cancellation))
            .Where(row => row.ProcessId is not null).Select(row => row.ProcessId!.Value).ToList();

        // The servers of the AppHost's process group get SIGINT from the terminal too, at the same moment.
        host.SignalGroup(AppHostProcess.SigInt);

        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(90), Cancellation));
        Assert.DoesNotContain(pids, Processes.IsRunning);
        var output = host.Output.All;
        var stopping = output.ToList().FindIndex(line => line.StartsWith("Stopping every resource", StringComparison.Ordinal));
        Assert.True(stopping >= 0, string.Join('\n', output));
        Assert.DoesNotContain(output.Skip(stopping), line => line.EndsWith(": started", StringComparison.Ordinal) || line.Contains(": started (", StringComparison.Ordinal));
        Assert.Empty(host.Errors.All);
    }

    [Fact]
    public async Task Killing_the_apphost_outright_leaves_no_process_behind()
    {
        await using var host = await AppHostProcess.StartAsync(Cancellation);
        await host.WaitUntilReadyAsync(Cancellation);
        var pids = (await host.Dashboard.GetResourcesAsync(Cancellation))
            .Where(row => row.ProcessId is not null).Select(row => row.ProcessId!.Value).ToList();
        // Every declared resource but the Kafka cluster, which lives inside the AppHost.
        Assert.Equal(AppHostProcess.MeshResources.Length - 1, pids.Count);

        host.Signal(AppHostProcess.SigKill);
        await host.WaitForExitAsync(TimeSpan.FromSeconds(10), Cancellation);

        Assert.Empty(await Processes.WaitUntilGoneAsync(pids, TimeSpan.FromSeconds(30), Cancellation));
    }
}
