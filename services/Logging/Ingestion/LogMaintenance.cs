namespace ECommerce.Logging.Ingestion;

/// <summary>
/// The service's timers, each calling a keeper: partitions created ahead and expired ones dropped
/// (<see cref="LoggingOptions.MaintenanceInterval"/>), and the spike rule (<see cref="LoggingOptions.SpikeCheckInterval"/>).
/// </summary>
internal sealed class LogMaintenance(PartitionKeeper partitions, ErrorKeeper errors, LoggingOptions options, TimeProvider clock,
    ILogger<LogMaintenance> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(EveryAsync(options.MaintenanceInterval, MaintainPartitionsAsync, stoppingToken),
            EveryAsync(options.SpikeCheckInterval, AnnounceSpikesAsync, stoppingToken));

    private async Task MaintainPartitionsAsync(CancellationToken cancellationToken)
    {
        await partitions.EnsureAheadAsync(cancellationToken);
        if (await partitions.DropExpiredAsync(cancellationToken) is { Count: > 0 } dropped)
        {
            logger.LogInformation("Dropped the log partitions of {Days}, older than the retention", string.Join(", ", dropped));
        }
    }

    private async Task AnnounceSpikesAsync(CancellationToken cancellationToken)
    {
        foreach (var spike in await errors.AnnounceSpikesAsync(clock.GetUtcNow().UtcDateTime, cancellationToken))
        {
            logger.LogWarning("Error rate of {Service} spiked: {Errors} errors in the minute from {Minute:u}, baseline {Baseline:F1} per minute",
                spike.Service, spike.Errors, spike.Minute, spike.BaselinePerMinute);
        }
    }

    private async Task EveryAsync(TimeSpan interval, Func<CancellationToken, Task> work, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, clock);
        do
        {
            try
            {
                await work(stoppingToken);
            }
            catch (NpgsqlException failure)
            {
                logger.LogWarning("Log maintenance skipped this round: {Error}", failure.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
