using System.Diagnostics;

namespace ECommerce.LocalInfrastructure.Tests;

public sealed class ProcessLifetimeTests
{
    [Fact]
    public async Task Servers_run_in_a_session_of_their_own_and_die_with_a_host_killed_outright()
    {
        var hostDll = Path.Combine(AppContext.BaseDirectory, "ECommerce.Testing.InfrastructureHost.dll");
        var host = Process.Start(new ProcessStartInfo("dotnet", [hostDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            RedirectStandardError = true,
        })!;
        var announced = new Dictionary<string, string>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        try
        {
            while (await host.StandardOutput.ReadLineAsync(timeout.Token) is { } line && line != "READY")
            {
                var separator = line.IndexOf('=');
                announced[line[..separator]] = line[(separator + 1)..];
            }
            var servers = new[] { int.Parse(announced["POSTGRES_PID"]), int.Parse(announced["REDIS_PID"]) };
            Assert.All(servers, pid => Assert.True(IsRunning(pid), $"server {pid} runs while its host lives"));
            // A Ctrl+C in the terminal reaches the host's session only; the host stops its servers in order.
            Assert.All(servers, pid => Assert.Equal(pid, SessionOf(pid)));
            Assert.All(servers, pid => Assert.NotEqual(SessionOf(host.Id), SessionOf(pid)));

            host.Kill(entireProcessTree: false); // SIGKILL: the host gets no chance to clean up.
            await host.WaitForExitAsync(timeout.Token);

            var clock = Stopwatch.StartNew();
            while (servers.Any(IsRunning) && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100, timeout.Token);
            }
            Assert.All(servers, pid => Assert.False(IsRunning(pid), $"server {pid} outlived its killed host"));
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill(entireProcessTree: true);
            }
        }
    }

    private static int SessionOf(int pid) => int.Parse(File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].Split(' ')[3]);

    /// <summary>Running, not a zombie: a reaped or exiting process does not count.</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var state = File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1][0];
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
