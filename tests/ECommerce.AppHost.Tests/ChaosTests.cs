using System.Diagnostics;
using ECommerce.AppHost.Tests.Harness;

namespace ECommerce.AppHost.Tests;

/// <summary>
/// The short form of the load generator's chaos run: its own AppHost (mesh), a steady load through the REST edge while
/// services are killed with SIGKILL (each with its whole process tree) and restarted by the AppHost, PostgreSQL is stopped and every Kafka broker taken down; then the shop's
/// invariants, read from its databases and the payment provider's records, must all hold. The long form, its options and
/// its latest figures: docs/load.md.
/// </summary>
[Collection(AppHostProcess.Collection)]
public sealed class ChaosTests
{
    [Fact]
    public async Task Under_kills_and_outages_no_order_is_lost_no_money_taken_twice_and_no_stock_oversold()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                Repository.OutputAssembly("benchmarks/ECommerce.Load"), "chaos", "--mode", "mesh",
                "--seconds", "40", "--rate", "2", "--kill-every", "12", "--outage", "4", "--settle", "180",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var chaos = Process.Start(start)!;
        var report = chaos.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var progress = chaos.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken))
        {
            limit.CancelAfter(TimeSpan.FromMinutes(15));
            try
            {
                await chaos.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                chaos.Kill(entireProcessTree: true);
                throw;
            }
        }
        var output = await report;

        Assert.True(chaos.ExitCode == 0, $"the chaos run exited with {chaos.ExitCode}:\n{output}\n{Tail(await progress)}");
        // Every fault happened: kills (each killed service running again), and both outages began and ended.
        Assert.Contains(" killed |", output, StringComparison.Ordinal);
        Assert.Contains("| every killed service runs again (restarted by the AppHost) |", output, StringComparison.Ordinal);
        Assert.Contains("| PostgreSQL up | serving again |", output, StringComparison.Ordinal);
        Assert.Contains("| Kafka (every broker) up | serving again |", output, StringComparison.Ordinal);
        Assert.Contains("Every invariant held.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("**NO**", output, StringComparison.Ordinal);
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(40));
}
