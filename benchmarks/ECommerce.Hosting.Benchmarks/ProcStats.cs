using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace ECommerce.Hosting.Benchmarks;

/// <summary>CPU time and resident memory of processes, read from /proc.</summary>
internal static class ProcStats
{
    private const int ScClockTicks = 2; // _SC_CLK_TCK

    private static readonly double TicksPerSecond = sysconf(ScClockTicks) is > 0 and var ticks ? ticks : 100;

    /// <summary>CPU seconds (user + system, every thread) the process has used so far; 0 once it is gone.</summary>
    /// <param name="withReapedChildren">Adds the time of children it has reaped (cutime, cstime): PostgreSQL's
    /// postmaster reaps its backends, so a backend that exits mid-run still counts.</param>
    public static double CpuSeconds(int pid, bool withReapedChildren = false)
    {
        if (Fields(pid) is not { } fields)
        {
            return 0;
        }
        // Fields after "pid (comm) ": state is [0], utime [11], stime [12], cutime [13], cstime [14].
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        if (withReapedChildren)
        {
            ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        }
        return ticks / TicksPerSecond;
    }

    /// <summary>CPU seconds of a process and every child it has now or has reaped (PostgreSQL: postmaster and backends).</summary>
    public static double CpuSecondsWithChildren(int pid) =>
        CpuSeconds(pid, withReapedChildren: true) + ChildrenOf(pid).Sum(child => CpuSeconds(child));

    /// <summary>Resident set size (VmRSS) in bytes; 0 once the process is gone.</summary>
    public static long ResidentBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    public static bool IsRunning(int pid) => Fields(pid) is { } fields && fields[0] is not ("Z" or "X");

    public static IEnumerable<int> ChildrenOf(int pid)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var candidate) && Fields(candidate) is { } fields &&
                int.TryParse(fields[1], out var parent) && parent == pid)
            {
                yield return candidate;
            }
        }
    }

    /// <summary>Which GC a .NET process runs: DOTNET_gcServer in its environment wins, else its runtimeconfig.json.</summary>
    public static string GcMode(int pid)
    {
        try
        {
            var environment = File.ReadAllText($"/proc/{pid}/environ").Split('\0');
            if (environment.FirstOrDefault(entry => entry.StartsWith("DOTNET_gcServer=", StringComparison.Ordinal)) is { } variable)
            {
                return variable.EndsWith("=1", StringComparison.Ordinal) ? "server" : "workstation";
            }
            var assembly = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0').FirstOrDefault(argument => argument.EndsWith(".dll", StringComparison.Ordinal));
            if (assembly is null)
            {
                return "?";
            }
            var directory = new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget;
            var path = Path.IsPathRooted(assembly) || directory is null ? assembly : Path.Combine(directory, assembly);
            using var config = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(path, ".runtimeconfig.json")));
            return config.RootElement.GetProperty("runtimeOptions").TryGetProperty("configProperties", out var properties) &&
                properties.TryGetProperty("System.GC.Server", out var server) && server.GetBoolean()
                ? "server"
                : "workstation";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException)
        {
            return "?";
        }
    }

    private static string[]? Fields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    [DllImport("libc")]
    private static extern long sysconf(int name);
}
