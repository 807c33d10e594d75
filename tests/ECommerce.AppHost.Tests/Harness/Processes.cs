using System.Diagnostics;

namespace ECommerce.AppHost.Tests.Harness;

public static class Processes
{
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

    /// <summary>
    /// Every process an AppHost started, however it started it: its descendants, and those of the orchestrator (DCP), which
    /// detaches from the AppHost and is tied to it only by watching it (<c>--monitor &lt;pid&gt;</c>).
    /// </summary>
    public static IReadOnlyList<int> StartedBy(int appHost)
    {
        var all = Directory.EnumerateDirectories("/proc")
            .Select(directory => int.TryParse(Path.GetFileName(directory), out var pid) ? pid : 0)
            .Where(pid => pid > 0)
            .Select(pid => (Pid: pid, Parent: ParentOf(pid), CommandLine: CommandLineOf(pid)))
            .Where(process => process.Parent is not null)
            .ToList();
        var found = new HashSet<int>(all.Where(process => process.CommandLine.Contains($"--monitor {appHost} ", StringComparison.Ordinal)
            || process.CommandLine.EndsWith($"--monitor {appHost}", StringComparison.Ordinal)).Select(process => process.Pid)) { appHost };
        for (var added = true; added;)
        {
            var children = all.Where(process => found.Contains(process.Parent!.Value) && !found.Contains(process.Pid)).Select(process => process.Pid).ToList();
            found.UnionWith(children);
            added = children.Count > 0;
        }
        found.Remove(appHost);
        return found.Order().ToList();
    }

    /// <summary>kill(2): sends <paramref name="signal"/> to the process.</summary>
    public static void Signal(int pid, int signal)
    {
        if (kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}.");
        }
    }

    public static string CommandLineOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').TrimEnd();
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            return int.Parse(File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static async Task<IReadOnlyList<int>> WaitUntilGoneAsync(IEnumerable<int> pids, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watched = pids.ToList();
        var clock = Stopwatch.StartNew();
        while (watched.Any(IsRunning) && clock.Elapsed < timeout)
        {
            await Task.Delay(100, cancellationToken);
        }
        return watched.Where(IsRunning).ToList();
    }

    public static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
