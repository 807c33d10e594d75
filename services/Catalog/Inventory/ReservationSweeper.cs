namespace ECommerce.Catalog.Inventory;

/// <summary>Releases the stock of reservations that ran out without being committed, every <see cref="CatalogOptions.ReservationSweepInterval"/>.</summary>
internal sealed class ReservationSweeper(StockKeeper stock, CatalogOptions options, ILogger<ReservationSweeper> logger) : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.ReservationSweepInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                List<string> expired;
                do
                {
                    expired = await stock.ExpiredOrdersAsync(BatchSize, stoppingToken);
                    foreach (var orderId in expired)
                    {
                        await stock.SettleAsync(orderId, Settlement.Expire, stoppingToken);
                    }
                    if (expired.Count > 0)
                    {
                        logger.LogInformation("Released {Count} expired reservations", expired.Count);
                    }
                }
                while (expired.Count == BatchSize);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The next tick tries again; a reservation is released late, never twice.
                logger.LogError(e, "Sweeping expired reservations failed");
            }
        }
    }
}
