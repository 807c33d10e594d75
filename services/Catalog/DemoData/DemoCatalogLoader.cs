using System.Diagnostics;
using NpgsqlTypes;

namespace ECommerce.Catalog.DemoData;

/// <summary>
/// Loads <see cref="DemoCatalog"/> when <see cref="CatalogOptions.SeedDemoData"/> is on and the catalog
/// has no categories yet, before the service takes calls. One transaction: binary COPY for the rows,
/// and one ProductCreated per product in the outbox, which the relay publishes in batches.
/// </summary>
internal sealed class DemoCatalogLoader(NpgsqlDataSource dataSource, CatalogOptions options, TimeProvider clock, ILogger<DemoCatalogLoader> logger) : IHostedService
{
    // Replicas starting together: one loads, the others find the catalog no longer empty.
    private const long SeedLockKey = 0x0EC0_CA7A_0001;

    private static readonly ActivitySource Tracing = new("ECommerce.Catalog.DemoData");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The relay creates the outbox tables too, but it may not have run yet.
        await OutboxSchema.EnsureCreatedAsync(dataSource, cancellationToken);
        if (!options.SeedDemoData)
        {
            return;
        }
        var stopwatch = Stopwatch.StartNew();
        // One trace for the whole load: each ProductCreated is published and handled as part of it,
        // instead of as 1,200 traces of their own that would bury every request in the dashboard.
        using var activity = Tracing.StartActivity("catalog demo data load");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var claim = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({SeedLockKey})", connection, transaction))
        {
            await claim.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var anyCategory = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM categories)", connection, transaction))
        {
            if ((bool)(await anyCategory.ExecuteScalarAsync(cancellationToken))!)
            {
                return;
            }
        }
        var demo = DemoCatalog.Generate();
        await CopyAsync(connection, demo, cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var (product, categoryPath) in demo.Products)
        {
            await Outbox.AddAsync(connection, transaction, product.ProductId,
                new ProductCreated { Product = CatalogEvents.Snapshot(product, categoryPath, now) }, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Loaded the demo catalog: {Categories} categories, {Products} products, {Variants} variants in {Elapsed} ms",
            demo.Categories.Count, demo.Products.Count, demo.Products.Sum(product => product.Product.Variants.Count), stopwatch.ElapsedMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task CopyAsync(NpgsqlConnection connection, DemoCatalogData demo, CancellationToken cancellationToken)
    {
        await using (var categories = await connection.BeginBinaryImportAsync(
            "COPY categories (category_id, parent_id, name, slug, description, created_at) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var category in demo.Categories)
            {
                await categories.StartRowAsync(cancellationToken);
                await categories.WriteAsync(Guid.Parse(category.CategoryId), NpgsqlDbType.Uuid, cancellationToken);
                if (category.ParentId.Length == 0)
                {
                    await categories.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await categories.WriteAsync(Guid.Parse(category.ParentId), NpgsqlDbType.Uuid, cancellationToken);
                }
                await categories.WriteAsync(category.Name, NpgsqlDbType.Text, cancellationToken);
                await categories.WriteAsync(category.Slug, NpgsqlDbType.Text, cancellationToken);
                await categories.WriteAsync(category.Description, NpgsqlDbType.Text, cancellationToken);
                await categories.WriteAsync(DateTime.UnixEpoch, NpgsqlDbType.TimestampTz, cancellationToken);
            }
            await categories.CompleteAsync(cancellationToken);
        }

        await using (var products = await connection.BeginBinaryImportAsync($"COPY products ({ProductStore.ProductColumns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var (product, _) in demo.Products)
            {
                await products.StartRowAsync(cancellationToken);
                await products.WriteAsync(Guid.Parse(product.ProductId), NpgsqlDbType.Uuid, cancellationToken);
                await products.WriteAsync(product.Name, NpgsqlDbType.Text, cancellationToken);
                await products.WriteAsync(product.Description, NpgsqlDbType.Text, cancellationToken);
                await products.WriteAsync(product.Brand, NpgsqlDbType.Text, cancellationToken);
                await products.WriteAsync(Guid.Parse(product.CategoryId), NpgsqlDbType.Uuid, cancellationToken);
                await products.WriteAsync(product.BasePrice.CurrencyCode, NpgsqlDbType.Text, cancellationToken);
                await products.WriteAsync(Prices.ToDecimal(product.BasePrice), NpgsqlDbType.Numeric, cancellationToken);
                await products.WriteAsync(ProductStore.OptionsJson(product), NpgsqlDbType.Jsonb, cancellationToken);
                await products.WriteAsync(product.ImageUrls.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
                await products.WriteAsync(product.CreatedAt.ToDateTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                await products.WriteAsync(product.UpdatedAt.ToDateTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                await products.WriteAsync(1L, NpgsqlDbType.Bigint, cancellationToken);
            }
            await products.CompleteAsync(cancellationToken);
        }

        await using var variants = await connection.BeginBinaryImportAsync(
            "COPY variants (sku, product_id, position, options, price, image_urls, on_hand, weight_grams) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var (product, _) in demo.Products)
        {
            for (var position = 0; position < product.Variants.Count; position++)
            {
                var variant = product.Variants[position];
                await variants.StartRowAsync(cancellationToken);
                await variants.WriteAsync(variant.Sku, NpgsqlDbType.Text, cancellationToken);
                await variants.WriteAsync(Guid.Parse(product.ProductId), NpgsqlDbType.Uuid, cancellationToken);
                await variants.WriteAsync(position, NpgsqlDbType.Integer, cancellationToken);
                await variants.WriteAsync(ProductStore.VariantOptionsJson(variant), NpgsqlDbType.Jsonb, cancellationToken);
                await variants.WriteAsync(Prices.ToDecimal(variant.Price), NpgsqlDbType.Numeric, cancellationToken);
                await variants.WriteAsync(variant.ImageUrls.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
                await variants.WriteAsync(variant.Available, NpgsqlDbType.Bigint, cancellationToken);
                await variants.WriteAsync(variant.WeightGrams, NpgsqlDbType.Bigint, cancellationToken);
            }
        }
        await variants.CompleteAsync(cancellationToken);
    }
}
