using System.Net.Sockets;
using ECommerce.LocalInfrastructure.Processes;

namespace ECommerce.AppHost.Orchestration;

/// <summary>
/// Watches the servers LocalInfrastructure starts: their <see cref="ChildProcess"/> is not exposed, only
/// their process id and port.
/// </summary>
internal static class ProcessWatch
{
    /// <summary>Completes when <paramref name="pid"/> is gone or a zombie, or when <paramref name="cancellationToken"/> fires.</summary>
    public static async Task WhenExitedAsync(int pid, CancellationToken cancellationToken)
    {
        try
        {
            while (IsRunning(pid))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped on purpose: the caller is told the same way as for an exit.
        }
    }

    /// <summary>Running, not a zombie: a reaped or exiting process does not count.</summary>
    public static bool IsRunning(int pid)
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

    /// <summary>The health of a server that speaks no health protocol of its own: it accepts connections.</summary>
    public static async Task<bool> AcceptsConnectionsAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(Loopback.Host, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
