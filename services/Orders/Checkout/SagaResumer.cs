namespace ECommerce.Orders.Checkout;

/// <summary>
/// At start and every <see cref="OrdersOptions.ResumeInterval"/>: continues every saga nobody drives (its process
/// died, or it waits for a participant), so each checkout ends completed or compensated; carries through cancellations
/// that were started and never ended; returns the stock of cancelled orders whose return was started and not finished; and, hourly, forgets PlaceOrder keys past their retention. A timer
/// that calls the saga, the after-sales and the keeper: it holds no logic of its own.
/// </summary>
internal sealed class SagaResumer(CheckoutSaga saga, AfterSales afterSales, OrderKeeper orders, OrdersOptions options, TimeProvider clock,
    ILogger<SagaResumer> logger) : BackgroundService
{
    private const int Batch = 50;
    private static readonly TimeSpan KeyPurgeInterval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.ResumeInterval);
        var nextPurge = DateTimeOffset.MinValue;
        do
        {
            try
            {
                var unfinished = await orders.UnfinishedSagasAsync(Batch, stoppingToken);
                if (unfinished.Count > 0)
                {
                    logger.LogInformation("Resuming {Count} unfinished checkouts", unfinished.Count);
                }
                await Parallel.ForEachAsync(unfinished, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = stoppingToken },
                    async (orderId, cancellationToken) => await saga.RunAsync(orderId, cancellationToken));
                // Started a whole interval ago: the request that started it has had its own try.
                var startedBefore = clock.GetUtcNow() - options.ResumeInterval;
                foreach (var (orderId, detail) in await orders.StartedStepsAsync(AfterSales.Cancel, startedBefore, Batch, stoppingToken))
                {
                    await afterSales.ResumeCancellationAsync(orderId, detail, stoppingToken);
                }
                foreach (var (orderId, _) in await orders.StartedStepsAsync(AfterSales.ReturnStock, startedBefore, Batch, stoppingToken))
                {
                    await afterSales.ReturnStockAsync(orderId, stoppingToken);
                }
                if (DateTimeOffset.UtcNow >= nextPurge)
                {
                    await orders.ForgetOldKeysAsync(stoppingToken);
                    nextPurge = DateTimeOffset.UtcNow + KeyPurgeInterval;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Resuming checkouts failed; trying again in {Interval}", options.ResumeInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
