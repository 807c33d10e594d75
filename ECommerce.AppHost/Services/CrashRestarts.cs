using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ECommerce.AppHost.Services;

/// <summary>
/// The AppHost's restart policy: a process of the shop (a service, the monolith, a sandbox) that dies on its own, killed or
/// crashed, is started again, as an orchestrator in production would; its callers' channels reconnect within seconds and the
/// work it left half done resumes from its database (the checkout's resumer, the outbox relay, the consumers' offsets).
/// Aspire itself restarts nothing. A process stopped on purpose (the dashboard's Stop, the AppHost shutting down) stays
/// stopped, and one that keeps dying is restarted ever more slowly (1 s, doubling to 30 s), like Kubernetes' crash-loop
/// back-off, so a service that cannot start does not spin.
/// </summary>
internal static class CrashRestarts
{
    public static void Add(IDistributedApplicationBuilder builder) => builder.Services.AddHostedService<CrashRestarter>();

    private sealed class CrashRestarter(
        ResourceNotificationService notifications,
        ResourceCommandService commands,
        IHostApplicationLifetime lifetime,
        ILogger<CrashRestarter> logger) : BackgroundService
    {
        private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
        private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(30);
        /// <summary>A process that ran this long before dying is restarted at once again, not after its last back-off.</summary>
        private static readonly TimeSpan StableRun = TimeSpan.FromMinutes(1);

        private readonly Dictionary<string, Instance> _instances = [];

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await foreach (var change in notifications.WatchAsync(stoppingToken))
            {
                if (change.Resource is not ProjectResource)
                {
                    continue;
                }
                if (!_instances.TryGetValue(change.ResourceId, out var instance))
                {
                    _instances[change.ResourceId] = instance = new Instance();
                }
                var state = change.Snapshot.State?.Text;
                // Starting counts as alive too: a process killed while it starts (the chaos run's next kill can hit a
                // restart before it reports Running) has crashed just the same and must be started again.
                if ((state == KnownResourceStates.Starting || state == KnownResourceStates.Running) && !instance.Running)
                {
                    instance.Running = true;
                    instance.RunningSince = TimeProvider.System.GetTimestamp();
                    instance.RestartPending = false;
                    instance.Stopping = false;
                }
                else if (state == KnownResourceStates.Stopping)
                {
                    // Someone asked it to stop (the dashboard, the AppHost's shutdown): its exit is no crash.
                    instance.Stopping = true;
                }
                else if (state is not null && KnownResourceStates.TerminalStates.Contains(state) && instance.Running)
                {
                    instance.Running = false;
                    var crashed = !instance.Stopping && change.Snapshot.ExitCode is not (null or 0) && !lifetime.ApplicationStopping.IsCancellationRequested;
                    if (crashed && !instance.RestartPending)
                    {
                        instance.RestartPending = true;
                        var ran = TimeProvider.System.GetElapsedTime(instance.RunningSince);
                        instance.Delay = ran >= StableRun ? FirstDelay : Min(instance.Delay * 2, LongestDelay);
                        logger.LogWarning("{Resource} exited with code {ExitCode} after running {Ran:N0} s; restarting it in {Delay:N0} s",
                            change.ResourceId, change.Snapshot.ExitCode, ran.TotalSeconds, instance.Delay.TotalSeconds);
                        _ = RestartAsync(change.ResourceId, instance.Delay, stoppingToken);
                    }
                }
            }
        }

        private async Task RestartAsync(string resourceId, TimeSpan delay, CancellationToken stoppingToken)
        {
            try
            {
                await Task.Delay(delay, stoppingToken);
                var result = await commands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, stoppingToken);
                if (!result.Success)
                {
                    logger.LogError("Could not restart {Resource}: {Error}", resourceId, result.Message);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                logger.LogError(e, "Could not restart {Resource}", resourceId);
            }
        }

        private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

        private sealed class Instance
        {
            public bool Running { get; set; }
            public long RunningSince { get; set; }
            public bool Stopping { get; set; }
            public bool RestartPending { get; set; }
            /// <summary>The last back-off; the first restart doubles it to <see cref="FirstDelay"/>.</summary>
            public TimeSpan Delay { get; set; } = FirstDelay / 2;
        }
    }
}
