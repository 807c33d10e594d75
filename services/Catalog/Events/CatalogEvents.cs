using ECommerce.Catalog.Categories;
using ECommerce.Catalog.Pricing;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Events.V1;
using ECommerce.EventBus.Outbox;
using Npgsql;

namespace ECommerce.Catalog.Events;

/// <summary>The topics the catalog publishes to (through the outbox) and the snapshots they carry.</summary>
internal static class CatalogEvents
{
    /// <summary>ProductCreated, ProductUpdated, ProductDeleted and PriceChanged; key: product id.</summary>
    public const string ProductsTopic = "catalog.products";

    /// <summary>InventoryChanged and StockLevelLow; key: SKU.</summary>
    public const string InventoryTopic = "catalog.inventory";

    /// <summary>
    /// The product's searchable state as of <paramref name="now"/>; the version is the product's own,
    /// which every change increases.
    /// </summary>
    public static ProductSnapshot Snapshot(Product product, IEnumerable<string> categoryPath, DateTimeOffset now)
    {
        var snapshot = new ProductSnapshot
        {
            ProductId = product.ProductId,
            Name = product.Name,
            Description = product.Description,
            Brand = product.Brand,
            CategoryId = product.CategoryId,
            CategoryPath = { categoryPath },
            ImageUrls = { product.ImageUrls },
            CreatedAt = product.CreatedAt,
            Version = long.Parse(product.Etag),
        };
        foreach (var variant in product.Variants)
        {
            snapshot.Variants.Add(new VariantSnapshot
            {
                Sku = variant.Sku,
                Options = { variant.Options },
                Price = variant.Price,
                EffectivePrice = Prices.EffectivePrice(variant.Price, variant.Sale, now),
                Available = variant.Available,
            });
        }
        return snapshot;
    }

    /// <summary>Records ProductUpdated with the product's snapshot in the transaction of the change.</summary>
    public static async Task AddProductUpdatedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Product product, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var categoryPath = await CategoryStore.PathAsync(connection, transaction, Guid.Parse(product.CategoryId), cancellationToken);
        await Outbox.AddAsync(connection, transaction, ProductsTopic, product.ProductId,
            new ProductUpdated { Product = Snapshot(product, categoryPath, now) }, cancellationToken);
    }
}
