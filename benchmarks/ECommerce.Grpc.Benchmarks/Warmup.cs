using System.Diagnostics;
using System.Runtime;

namespace ECommerce.Grpc.Benchmarks;

/// <summary>
/// When a .NET process has finished compiling its hot path. Tiered compilation with PGO compiles it
/// several times over; on a busy 2-core machine that took from 3 to 25 seconds of load, so a fixed
/// warm-up either wastes time or measures the JIT.
/// </summary>
public static class Warmup
{
    /// <summary>Under this much JIT time in a busy second, the process counts as warmed up.</summary>
    public static readonly TimeSpan SettledJitPerSecond = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Prints "NAME: JIT settled" once the process has been busy (over 200 ms of CPU a second) for
    /// three seconds in a row while spending under <see cref="SettledJitPerSecond"/> a second in
    /// the JIT; eng/bench-grpc.sh keeps loading a server until it sees that line. One quiet second
    /// is not enough: tier-1 recompilation starts only after a lull in new compilations.
    /// </summary>
    public static async Task ReportWhenJitSettlesAsync(string name, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var jit = JitInfo.GetCompilationTime();
        var quietBusySeconds = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                var cpuNow = Process.GetCurrentProcess().TotalProcessorTime;
                var jitNow = JitInfo.GetCompilationTime();
                var quietAndBusy = cpuNow - cpu > TimeSpan.FromMilliseconds(200) && jitNow - jit < SettledJitPerSecond;
                quietBusySeconds = quietAndBusy ? quietBusySeconds + 1 : 0;
                if (quietBusySeconds == 3)
                {
                    Console.WriteLine($"{name}: JIT settled");
                    return;
                }
                (cpu, jit) = (cpuNow, jitNow);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
