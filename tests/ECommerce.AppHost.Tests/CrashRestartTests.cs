using System.Diagnostics;
using System.Net;
using ECommerce.AppHost.Tests.Harness;

namespace ECommerce.AppHost.Tests;

/// <summary>A service that dies (kill -9, a crash) is started again by the AppHost, and the shop serves again through the edge.</summary>
[Collection(AppHostProcess.Collection)]
public sealed class CrashRestartTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_service_killed_outright_is_started_again_and_the_edge_serves_its_routes_again()
    {
        await using var host = await AppHostProcess.StartAsync(Cancellation);
        await host.WaitUntilReadyAsync(Cancellation);
        var restEdge = (await host.Output.WaitForAsync("REST edge: ", TimeSpan.FromSeconds(5), Cancellation)).Split(' ')[2];
        using var client = new HttpClient { BaseAddress = new Uri(restEdge) };
        using (var before = await client.GetAsync("/v1/categories", Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }
        var catalog = CatalogProcess(host);

        Processes.Signal(catalog, AppHostProcess.SigKill);
        Assert.Empty(await Processes.WaitUntilGoneAsync([catalog], TimeSpan.FromSeconds(10), Cancellation));

        // Patience, not a speed goal: the restart waits a second, then a .NET service starts on a loaded machine.
        var clock = Stopwatch.StartNew();
        int? restarted = null;
        HttpStatusCode? last = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            restarted ??= Processes.StartedBy(host.Id).Cast<int?>().FirstOrDefault(pid => IsCatalog(pid!.Value));
            using var response = await client.GetAsync("/v1/categories", Cancellation);
            last = response.StatusCode;
            if (restarted is not null && last == HttpStatusCode.OK)
            {
                break;
            }
            await Task.Delay(250, Cancellation);
        }
        Assert.True(restarted is not null, "no new Catalog process within 120 s of the kill");
        Assert.NotEqual(catalog, restarted);
        Assert.Equal(HttpStatusCode.OK, last);
    }

    private static int CatalogProcess(AppHostProcess host) => Processes.StartedBy(host.Id).Single(IsCatalog);

    /// <summary>The Catalog service itself: its own program, not a process that merely names it in its arguments.</summary>
    private static bool IsCatalog(int pid) =>
        Processes.IsRunning(pid) && Processes.CommandLineOf(pid).Split(' ').Any(part => part.EndsWith("/ECommerce.Catalog.dll", StringComparison.Ordinal)
            || part.EndsWith("/ECommerce.Catalog", StringComparison.Ordinal));
}
