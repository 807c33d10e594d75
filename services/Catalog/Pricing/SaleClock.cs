namespace ECommerce.Catalog.Pricing;

/// <summary>
/// Every <see cref="CatalogOptions.SaleClockInterval"/>, has the keeper announce the sales that started
/// or ended by the clock (<see cref="ProductKeeper.AnnounceSalesAsync(int, CancellationToken)"/>).
/// </summary>
internal sealed class SaleClock(ProductKeeper products, CatalogOptions options, ILogger<SaleClock> logger) : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.SaleClockInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await products.AnnounceSalesAsync(BatchSize, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The next tick tries again: an announcement comes late, never twice.
                logger.LogError(e, "Announcing sales that started or ended failed");
            }
        }
    }
}
