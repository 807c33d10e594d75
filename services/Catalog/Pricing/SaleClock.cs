using ECommerce.Catalog.Caching;
using ECommerce.Catalog.Events;
using ECommerce.Catalog.Products;
using ECommerce.Contracts.Events.V1;
using ECommerce.EventBus.Outbox;
using Npgsql;

namespace ECommerce.Catalog.Pricing;

/// <summary>
/// Announces sales that start or end by the clock: reads compute the effective price themselves,
/// but read models (Search) only learn of it from PriceChanged and ProductUpdated.
/// </summary>
internal sealed class SaleClock(NpgsqlDataSource dataSource, CatalogCache cache, CatalogOptions options, TimeProvider clock, ILogger<SaleClock> logger)
    : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.SaleClockInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var productId in await ProductsWithUnannouncedSalesAsync(stoppingToken))
                {
                    await AnnounceAsync(productId, stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The next tick tries again: an announcement comes late, never twice.
                logger.LogError(e, "Announcing sales that started or ended failed");
            }
        }
    }

    private async Task<List<Guid>> ProductsWithUnannouncedSalesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT DISTINCT product_id FROM variants
            WHERE sale_price IS NOT NULL AND sale_announced <> (sale_starts_at <= $1 AND $1 < sale_ends_at)
            LIMIT $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = BatchSize });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var products = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            products.Add(reader.GetGuid(0));
        }
        return products;
    }

    private async Task AnnounceAsync(Guid productId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The product row first, as every other change to a product locks it, then the flipped SKUs.
        await using (var lockProduct = new NpgsqlCommand("SELECT 1 FROM products WHERE product_id = $1 FOR UPDATE", connection, transaction)
        {
            Parameters = { new() { Value = productId } },
        })
        {
            await lockProduct.ExecuteNonQueryAsync(cancellationToken);
        }
        var flipped = new List<string>();
        await using (var flip = new NpgsqlCommand("""
            UPDATE variants SET sale_announced = NOT sale_announced
            WHERE product_id = $1 AND sale_price IS NOT NULL AND sale_announced <> (sale_starts_at <= $2 AND $2 < sale_ends_at)
            RETURNING sku
            """, connection, transaction) { Parameters = { new() { Value = productId }, new() { Value = now } } })
        await using (var reader = await flip.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                flipped.Add(reader.GetString(0));
            }
        }
        if (flipped.Count == 0)
        {
            return;
        }
        await ProductStore.TouchAsync(connection, transaction, productId, now, cancellationToken);
        var product = (await ProductStore.ReadAsync(connection, transaction, $"SELECT {ProductStore.ProductColumns} FROM products WHERE product_id = $1",
            [productId], cancellationToken)).Single();
        foreach (var variant in product.Variants.Where(variant => flipped.Contains(variant.Sku)))
        {
            var onSale = Prices.IsRunning(variant.Sale, now);
            await Outbox.AddAsync(connection, transaction, CatalogEvents.ProductsTopic, product.ProductId, new PriceChanged
            {
                ProductId = product.ProductId,
                Sku = variant.Sku,
                OldPrice = onSale ? variant.Price : variant.Sale.Price,
                NewPrice = onSale ? variant.Sale.Price : variant.Price,
                SaleEndsAt = onSale ? variant.Sale.EndsAt : null,
            }, cancellationToken);
        }
        await CatalogEvents.AddProductUpdatedAsync(connection, transaction, product, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await cache.InvalidateAsync(CatalogCache.ProductKey(productId));
    }
}
