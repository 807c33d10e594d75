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

    /// <summary>The environment a process was started with (/proc/&lt;pid&gt;/environ).</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentOf(int pid) =>
        File.ReadAllText($"/proc/{pid}/environ")
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : "", StringComparer.Ordinal);

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
}
