using ECommerce.Hosting.Benchmarks;
using ECommerce.Orders.Benchmarks;

namespace ECommerce.Load;

/// <summary>
/// CPU seconds (utime + stime from /proc/&lt;pid&gt;/stat) of each process the shop runs, read before and after a window and
/// diffed. Each resource counts with everything below it: a service started through `dotnet run` is that process's child, and
/// PostgreSQL's backends are the postmaster's children (the ones that exited in between count through cutime and cstime).
/// </summary>
internal static class ProcessCpu
{
    /// <summary>The load generator's own process: it hosts the AppHost (Aspire.Hosting.Testing) and Kafka with it.</summary>
    public const string ThisProcess = "load generator + AppHost + Kafka";

    public static IReadOnlyDictionary<string, double> Read(RunningShop shop)
    {
        var self = Environment.ProcessId;
        var seconds = shop.ProcessIds()
            .Where(resource => resource.Value != self)
            .ToDictionary(resource => resource.Key, resource => TreeSeconds(resource.Value));
        // Without its children: every resource is below this process (DCP starts them), and counted above.
        seconds[ThisProcess] = ProcStats.CpuSeconds(self);
        return seconds;
    }

    public static IReadOnlyDictionary<string, double> Minus(IReadOnlyDictionary<string, double> after, IReadOnlyDictionary<string, double> before) =>
        after.ToDictionary(entry => entry.Key, entry => entry.Value - before.GetValueOrDefault(entry.Key));

    private static double TreeSeconds(int pid) =>
        ProcStats.CpuSeconds(pid, withReapedChildren: true) + ProcStats.ChildrenOf(pid).Sum(TreeSeconds);
}
