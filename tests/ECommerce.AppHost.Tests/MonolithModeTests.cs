using ECommerce.AppHost.Tests.Harness;

namespace ECommerce.AppHost.Tests;

/// <summary>
/// ECommerce.Monolith on its own, configured the way the AppHost's --mode monolith configures it (<c>Modules__&lt;service&gt;__…</c>):
/// what it does with configuration it cannot use. The running monolith itself is what the end-to-end suite tests in its second run.
/// </summary>
public sealed class MonolithModeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_unknown_mode_stops_the_apphost_before_it_starts_anything_with_the_modes_it_knows()
    {
        var startInfo = new System.Diagnostics.ProcessStartInfo("dotnet", [Repository.OutputAssembly("ECommerce.AppHost"), "--mode", "microliths"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync(Cancellation);
        var errors = process.StandardError.ReadToEndAsync(Cancellation);
        await process.WaitForExitAsync(Cancellation).WaitAsync(Patience, Cancellation);

        Assert.Equal(2, process.ExitCode);
        Assert.Equal("--mode microliths is not understood: use --mode mesh (one process per service) or --mode monolith.", (await errors).Trim());
        Assert.DoesNotContain("Dashboard", await output);
    }

    [Fact]
    public async Task A_service_that_cannot_start_stops_the_monolith_with_a_message_naming_it()
    {
        // Users cannot reach its database (nothing listens on port 1), so it fails while starting.
        var (exitCode, output) = await RunMonolithAsync(new Dictionary<string, string>
        {
            ["Modules__users__ConnectionStrings__users"] = "Host=127.0.0.1;Port=1;Database=users;Username=nobody;Password=x;Timeout=2",
            ["Modules__users__Kestrel__Endpoints__grpc__Url"] = "http://127.0.0.1:0",
        });

        Assert.Equal(1, exitCode);
        Assert.Contains(output, line => line.StartsWith("monolith: users failed: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Configuration_for_a_service_it_does_not_host_is_refused()
    {
        var (exitCode, output) = await RunMonolithAsync(new Dictionary<string, string> { ["Modules__basket__Kestrel__Endpoints__grpc__Url"] = "http://127.0.0.1:0" });

        Assert.Equal(2, exitCode);
        Assert.Contains("monolith: configuration names services this monolith does not host: basket (it hosts users, catalog, search, cart, payment, shipping, orders, logging, gateway).", output);
    }

    /// <summary>ECommerce.Monolith on its own, as the AppHost starts it; returns its exit code and every line it wrote.</summary>
    private static async Task<(int ExitCode, IReadOnlyList<string> Output)> RunMonolithAsync(IReadOnlyDictionary<string, string> environment)
    {
        var startInfo = new System.Diagnostics.ProcessStartInfo("dotnet", [Repository.OutputAssembly("ECommerce.Monolith")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }
        using var process = System.Diagnostics.Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync(Cancellation);
        var errors = process.StandardError.ReadToEndAsync(Cancellation);
        await process.WaitForExitAsync(Cancellation).WaitAsync(Patience, Cancellation);
        return (process.ExitCode, (await output + await errors).Split('\n'));
    }
}
