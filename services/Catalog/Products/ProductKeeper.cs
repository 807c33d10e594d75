using Google.Protobuf.WellKnownTypes;

namespace ECommerce.Catalog.Products;

/// <summary>
/// Products and their prices. Every change is one transaction that locks the product's row, writes it,
/// records its events (ProductCreated, ProductUpdated, ProductDeleted, PriceChanged) and, after the
/// commit, invalidates the cached product.
/// </summary>
/// <remarks>
/// Every change locks the product row first (<c>FOR UPDATE</c>), so changes to one product take turns
/// and each event's version follows the one before.
/// </remarks>
internal sealed class ProductKeeper(NpgsqlDataSource dataSource, ProductStore products, CatalogCache cache, TimeProvider clock)
{
    /// <param name="product">Checked by <see cref="ProductRules"/>, with its id and complete variants; it gets its times and version here.</param>
    public async Task<ProductCreation> CreateAsync(Product product, CancellationToken cancellationToken)
    {
        var now = clock.StoredNow();
        product.CreatedAt = product.UpdatedAt = Timestamp.FromDateTimeOffset(now);
        product.Etag = "1";

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var categoryPath = await CategoryStore.PathAsync(connection, transaction, Guid.Parse(product.CategoryId), cancellationToken);
        if (categoryPath.Count == 0)
        {
            return new ProductCreation.UnknownCategory(Guid.Parse(product.CategoryId));
        }
        try
        {
            await ProductStore.InsertAsync(connection, transaction, product, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return new ProductCreation.SkuTaken(e.Detail ?? "");
        }
        await Outbox.AddAsync(connection, transaction, product.ProductId,
            new ProductCreated { Product = CatalogEvents.Snapshot(product, categoryPath, now) }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ProductCreation.Created(Prices.WithEffectivePrices(product, now));
    }

    /// <param name="changes">The fields named in <paramref name="paths"/>, checked by <see cref="ProductRules"/>.</param>
    public async Task<ProductUpdate> UpdateAsync(Guid productId, Product changes, IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        var now = clock.StoredNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await LockAsync(connection, transaction, productId, cancellationToken) is not { } current)
        {
            return new ProductUpdate.NotFound();
        }
        if (changes.Etag.Length > 0 && changes.Etag != current.Etag)
        {
            return new ProductUpdate.Stale(current.Etag);
        }
        var violations = new FieldViolations();
        var updated = ProductRules.ApplyChanges(current, changes, paths, violations);
        if (!violations.IsEmpty)
        {
            return new ProductUpdate.Invalid(violations);
        }
        updated.UpdatedAt = Timestamp.FromDateTimeOffset(now);
        updated.Etag = (long.Parse(current.Etag) + 1).ToString();
        if (paths.Contains("category_id") && (await CategoryStore.PathAsync(connection, transaction, Guid.Parse(updated.CategoryId), cancellationToken)).Count == 0)
        {
            return new ProductUpdate.UnknownCategory(Guid.Parse(updated.CategoryId));
        }
        await ProductStore.UpdateAsync(connection, transaction, updated, cancellationToken);
        foreach (var (before, after) in current.Variants.Zip(updated.Variants).Where(pair => !pair.First.Price.Equals(pair.Second.Price)))
        {
            await Outbox.AddAsync(connection, transaction, updated.ProductId,
                CatalogEvents.PriceChanged(updated.ProductId, Prices.EffectivePrice(before.Price, before.Sale, now), after, now), cancellationToken);
        }
        await CatalogEvents.AddProductUpdatedAsync(connection, transaction, updated, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await cache.InvalidateAsync(CatalogCache.ProductKey(productId));
        return new ProductUpdate.Updated(Prices.WithEffectivePrices(updated, now));
    }

    /// <summary>Deletes a product with its variants, unless stock of one of them is reserved for an order.</summary>
    public async Task<ProductDeletion> DeleteAsync(Guid productId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await LockAsync(connection, transaction, productId, cancellationToken) is not { } current)
        {
            return new ProductDeletion.NotFound();
        }
        var reservedSkus = new List<string>();
        await using (var reserved = new NpgsqlCommand("SELECT sku FROM variants WHERE product_id = $1 AND reserved > 0 ORDER BY sku", connection, transaction)
        {
            Parameters = { new() { Value = productId } },
        })
        await using (var reader = await reserved.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                reservedSkus.Add(reader.GetString(0));
            }
        }
        if (reservedSkus.Count > 0)
        {
            return new ProductDeletion.StockReserved(reservedSkus);
        }
        await using (var delete = new NpgsqlCommand("DELETE FROM products WHERE product_id = $1", connection, transaction) { Parameters = { new() { Value = productId } } })
        {
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await Outbox.AddAsync(connection, transaction, current.ProductId,
            new ProductDeleted { ProductId = current.ProductId, Version = long.Parse(current.Etag) + 1 }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await cache.InvalidateAsync(CatalogCache.ProductKey(productId));
        return new ProductDeletion.Deleted();
    }

    /// <summary>Sets (or, with no sale, ends) the sale of a SKU; the PriceChanged it records announces the price of this moment.</summary>
    /// <param name="sale">Checked: a price, and an end after its start.</param>
    public async Task<SalePriceChange> SetSalePriceAsync(string sku, SalePrice? sale, CancellationToken cancellationToken)
    {
        var now = clock.StoredNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await products.FindProductIdBySkuAsync(sku, cancellationToken) is not { } productId)
        {
            return new SalePriceChange.UnknownSku();
        }
        if (await LockAsync(connection, transaction, productId, cancellationToken) is not { } current)
        {
            return new SalePriceChange.UnknownProduct(productId);
        }
        var before = current.Variants.Single(variant => variant.Sku == sku);
        if (sale is not null && sale.Price.CurrencyCode != current.BasePrice.CurrencyCode)
        {
            return new SalePriceChange.WrongCurrency(current.BasePrice.CurrencyCode);
        }
        await using (var update = new NpgsqlCommand("UPDATE variants SET sale_price = $2, sale_starts_at = $3, sale_ends_at = $4, sale_announced = $5 WHERE sku = $1",
            connection, transaction)
        {
            Parameters =
            {
                new() { Value = sku },
                new() { Value = sale is null ? DBNull.Value : Prices.ToDecimal(sale.Price), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Numeric },
                new() { Value = sale is null ? DBNull.Value : sale.StartsAt.ToDateTimeOffset(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz },
                new() { Value = sale is null ? DBNull.Value : sale.EndsAt.ToDateTimeOffset(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz },
                // The PriceChanged below announces the price of this moment; AnnounceSalesAsync announces the next change.
                new() { Value = Prices.IsRunning(sale, now) },
            },
        })
        {
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await ProductStore.TouchAsync(connection, transaction, productId, now, cancellationToken);
        var updated = (await LockAsync(connection, transaction, productId, cancellationToken))!;
        var after = updated.Variants.Single(variant => variant.Sku == sku);
        await Outbox.AddAsync(connection, transaction, updated.ProductId,
            CatalogEvents.PriceChanged(updated.ProductId, Prices.EffectivePrice(before.Price, before.Sale, now), after, now), cancellationToken);
        await CatalogEvents.AddProductUpdatedAsync(connection, transaction, updated, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await cache.InvalidateAsync(CatalogCache.ProductKey(productId));
        after.EffectivePrice = Prices.EffectivePrice(after.Price, after.Sale, now);
        return new SalePriceChange.Changed(after);
    }

    /// <summary>
    /// Announces up to <paramref name="limit"/> products' sales that started or ended by the clock since
    /// they were last announced: per product, in one transaction, a PriceChanged per SKU whose effective
    /// price flipped, and ProductUpdated. Reads compute the effective price themselves; read models only learn it from these events.
    /// </summary>
    /// <returns>How many products were announced.</returns>
    public async Task<int> AnnounceSalesAsync(int limit, CancellationToken cancellationToken)
    {
        var announced = 0;
        foreach (var productId in await ProductsWithUnannouncedSalesAsync(limit, cancellationToken))
        {
            announced += await AnnounceSalesAsync(productId, cancellationToken) ? 1 : 0;
        }
        return announced;
    }

    private async Task<List<Guid>> ProductsWithUnannouncedSalesAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT DISTINCT product_id FROM variants
            WHERE sale_price IS NOT NULL AND sale_announced <> (sale_starts_at <= $1 AND $1 < sale_ends_at)
            LIMIT $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(reader.GetGuid(0));
        }
        return found;
    }

    private async Task<bool> AnnounceSalesAsync(Guid productId, CancellationToken cancellationToken)
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
            return false;
        }
        await ProductStore.TouchAsync(connection, transaction, productId, now, cancellationToken);
        var product = (await ProductStore.ReadAsync(connection, transaction, $"SELECT {ProductStore.ProductColumns} FROM products WHERE product_id = $1",
            [productId], cancellationToken)).Single();
        foreach (var variant in product.Variants.Where(variant => flipped.Contains(variant.Sku)))
        {
            // The price announced before is the other one: the sale's if it has just ended, the regular one if it has just started.
            var announcedBefore = Prices.IsRunning(variant.Sale, now) ? variant.Price : variant.Sale.Price;
            await Outbox.AddAsync(connection, transaction, product.ProductId,
                CatalogEvents.PriceChanged(product.ProductId, announcedBefore, variant, now), cancellationToken);
        }
        await CatalogEvents.AddProductUpdatedAsync(connection, transaction, product, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await cache.InvalidateAsync(CatalogCache.ProductKey(productId));
        return true;
    }

    /// <summary>Reads a product and locks its row until the transaction ends, so concurrent changes to it take turns.</summary>
    private static async Task<Product?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid productId, CancellationToken cancellationToken) =>
        (await ProductStore.ReadAsync(connection, transaction, $"SELECT {ProductStore.ProductColumns} FROM products WHERE product_id = $1 FOR UPDATE",
            [productId], cancellationToken)).SingleOrDefault();
}

internal abstract record ProductCreation
{
    public sealed record Created(Product Product) : ProductCreation;
    public sealed record UnknownCategory(Guid CategoryId) : ProductCreation;
    /// <summary>A SKU of the product belongs to another product; the detail names it.</summary>
    public sealed record SkuTaken(string Detail) : ProductCreation;
}

internal abstract record ProductUpdate
{
    public sealed record Updated(Product Product) : ProductUpdate;
    public sealed record NotFound : ProductUpdate;
    /// <summary>The caller's etag is not the product's: it changed since it was read.</summary>
    public sealed record Stale(string CurrentEtag) : ProductUpdate;
    /// <summary>The changes do not fit the product as it is (its currency, its SKUs).</summary>
    public sealed record Invalid(FieldViolations Violations) : ProductUpdate;
    public sealed record UnknownCategory(Guid CategoryId) : ProductUpdate;
}

internal abstract record ProductDeletion
{
    public sealed record Deleted : ProductDeletion;
    public sealed record NotFound : ProductDeletion;
    public sealed record StockReserved(IReadOnlyList<string> Skus) : ProductDeletion;
}

internal abstract record SalePriceChange
{
    /// <param name="Variant">The variant as it is now, with its effective price.</param>
    public sealed record Changed(Variant Variant) : SalePriceChange;
    public sealed record UnknownSku : SalePriceChange;
    /// <summary>The SKU's product was deleted while the sale was being set.</summary>
    public sealed record UnknownProduct(Guid ProductId) : SalePriceChange;
    public sealed record WrongCurrency(string ProductCurrency) : SalePriceChange;
}
