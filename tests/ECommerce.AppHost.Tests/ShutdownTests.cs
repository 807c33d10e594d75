using ECommerce.AppHost.Tests.Harness;

namespace ECommerce.AppHost.Tests;

/// <summary>However the AppHost ends, it leaves nothing running: DCP, the dashboard, every service and every server go with it.</summary>
[Collection(AppHostProcess.Collection)]
public sealed class ShutdownTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sigterm_stops_every_resource_and_the_apphost_exits()
    {
        await using var host = await AppHostProcess.StartAsync(Cancellation);
        await host.WaitUntilReadyAsync(Cancellation);
        var started = Processes.StartedBy(host.Id);
        Assert.Contains(started, pid => Processes.CommandLineOf(pid).Contains("/postgres ", StringComparison.Ordinal));
        Assert.Contains(started, pid => Processes.CommandLineOf(pid).Contains("ECommerce.Gateway", StringComparison.Ordinal));

        host.Signal(AppHostProcess.SigTerm);

        await host.WaitForExitAsync(TimeSpan.FromSeconds(90), Cancellation);
        var left = await Processes.WaitUntilGoneAsync(started, TimeSpan.FromSeconds(30), Cancellation);
        Assert.True(left.Count == 0, "still running: " + string.Join("; ", left.Select(Processes.CommandLineOf)));
    }

    [Fact]
    public async Task Killing_the_apphost_outright_leaves_no_process_behind()
    {
        await using var host = await AppHostProcess.StartAsync(Cancellation);
        await host.WaitUntilReadyAsync(Cancellation);
        var started = Processes.StartedBy(host.Id);
        Assert.Contains(started, pid => Processes.CommandLineOf(pid).Contains("redis-server", StringComparison.Ordinal));
        Assert.Contains(started, pid => Processes.CommandLineOf(pid).Contains("ECommerce.Users", StringComparison.Ordinal));

        host.Signal(AppHostProcess.SigKill);
        await host.WaitForExitAsync(TimeSpan.FromSeconds(10), Cancellation);

        // PostgreSQL and Redis get the kernel's death signal (setpriv --pdeathsig); DCP sees its AppHost gone and stops the rest.
        var left = await Processes.WaitUntilGoneAsync(started, TimeSpan.FromSeconds(60), Cancellation);
        Assert.True(left.Count == 0, "still running: " + string.Join("; ", left.Select(Processes.CommandLineOf)));
    }
}
