using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Events;

namespace ECommerce.Catalog.Events;

/// <summary>
/// The events the catalog publishes (through the outbox, on the topics of <see cref="EventTopics"/>) and the snapshots they carry.
/// </summary>
internal static class CatalogEvents
{
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

    /// <summary>
    /// A SKU's effective price moved from <paramref name="oldPrice"/> to what <paramref name="after"/> costs at
    /// <paramref name="now"/>; while a sale runs, the event says when it ends.
    /// </summary>
    public static PriceChanged PriceChanged(string productId, Money oldPrice, Variant after, DateTimeOffset now) => new()
    {
        ProductId = productId,
        Sku = after.Sku,
        OldPrice = oldPrice,
        NewPrice = Prices.EffectivePrice(after.Price, after.Sale, now),
        SaleEndsAt = Prices.IsRunning(after.Sale, now) ? after.Sale.EndsAt : null,
    };

    /// <summary>Records ProductUpdated with the product's snapshot in the transaction of the change.</summary>
    public static async Task AddProductUpdatedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Product product, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var categoryPath = await CategoryStore.PathAsync(connection, transaction, Guid.Parse(product.CategoryId), cancellationToken);
        await Outbox.AddAsync(connection, transaction, product.ProductId,
            new ProductUpdated { Product = Snapshot(product, categoryPath, now) }, cancellationToken);
    }
}
