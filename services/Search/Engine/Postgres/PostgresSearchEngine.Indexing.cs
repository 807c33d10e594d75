using ECommerce.Contracts.Events.V1;
using ECommerce.EventBus.Consuming;
using Npgsql;
using NpgsqlTypes;

namespace ECommerce.Search.Engine.Postgres;

/// <summary>Keeps the products and variants tables in step with the catalog.</summary>
internal sealed partial class PostgresSearchEngine
{
    public async Task ApplyAsync(IndexChange change, EventContext context, CancellationToken cancellationToken)
    {
        var (connection, transaction) = (context.Connection, context.Transaction);
        switch (change)
        {
            case IndexChange.Upsert upsert:
                await UpsertAsync(connection, transaction, upsert.Product, rebuilding: false, cancellationToken);
                break;
            case IndexChange.Delete delete:
                await DeleteAsync(connection, transaction, delete, cancellationToken);
                break;
            case IndexChange.PriceChange price:
                await RefreshVariantsAsync(connection, transaction,
                    "UPDATE variants SET effective_price = $3, currency_code = $4 WHERE sku = $1 AND product_id = $2 RETURNING product_id",
                    [price.Sku, price.ProductId, price.EffectivePrice, price.CurrencyCode], cancellationToken);
                break;
            case IndexChange.StockChange stock:
                await RecordStockAsync(connection, transaction, [stock.Sku], [stock.Available], cancellationToken);
                await RefreshVariantsAsync(connection, transaction,
                    "UPDATE variants SET available = $2 WHERE sku = $1 RETURNING product_id",
                    [stock.Sku, stock.Available], cancellationToken);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change.GetType().Name, "Unknown index change.");
        }
    }

    public async Task<long> RebuildAsync(IAsyncEnumerable<ProductSnapshot> catalog, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var indexed = new List<string>();
        await foreach (var product in catalog.WithCancellation(cancellationToken))
        {
            await UpsertAsync(connection, transaction, product, rebuilding: true, cancellationToken);
            indexed.Add(product.ProductId);
        }
        await using (var removeMissing = new NpgsqlCommand("""
            WITH gone AS (UPDATE products SET deleted = true WHERE NOT deleted AND NOT (product_id = ANY($1)) RETURNING product_id)
            DELETE FROM variants WHERE product_id IN (SELECT product_id FROM gone)
            """, connection, transaction))
        {
            removeMissing.Parameters.Add(new NpgsqlParameter { Value = indexed.ToArray() });
            await removeMissing.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return indexed.Count;
    }

    /// <param name="rebuilding">
    /// The catalog's current state replaces the row whatever its version (ListProducts carries none),
    /// and the row keeps the highest version seen so that older events still in flight stay ignored.
    /// </param>
    private static async Task UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ProductSnapshot product, bool rebuilding,
        CancellationToken cancellationToken)
    {
        var row = ProductRow.From(product);
        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO products (product_id, version, name, description, brand, category_id, category_path, image_url, created_at,
                                  attributes, attribute_text, currency_code, price, in_stock)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            ON CONFLICT (product_id) DO UPDATE SET
                version = greatest(products.version, EXCLUDED.version), deleted = false, name = EXCLUDED.name,
                description = EXCLUDED.description, brand = EXCLUDED.brand, category_id = EXCLUDED.category_id,
                category_path = EXCLUDED.category_path, image_url = EXCLUDED.image_url, created_at = EXCLUDED.created_at,
                attributes = EXCLUDED.attributes, attribute_text = EXCLUDED.attribute_text,
                currency_code = EXCLUDED.currency_code, price = EXCLUDED.price, in_stock = EXCLUDED.in_stock
            WHERE $15 OR products.version < EXCLUDED.version
            """, connection, transaction))
        {
            upsert.Parameters.AddRange(new NpgsqlParameter[]
            {
                new() { Value = row.ProductId }, new() { Value = row.Version }, new() { Value = row.Name },
                new() { Value = row.Description }, new() { Value = row.Brand }, new() { Value = row.CategoryId },
                new() { Value = row.CategoryPath }, new() { Value = row.ImageUrl }, new() { Value = row.CreatedAt },
                new() { Value = row.Attributes }, new() { Value = row.AttributeText },
                new() { Value = (object?)row.CurrencyCode ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                new() { Value = (object?)row.Price ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Numeric },
                new() { Value = row.InStock }, new() { Value = rebuilding },
            });
            if (await upsert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return;
            }
        }
        await using (var words = new NpgsqlCommand("SELECT remember_search_words($1)", connection, transaction))
        {
            words.Parameters.Add(new NpgsqlParameter { Value = $"{row.Name} {row.Brand} {row.AttributeText}" });
            await words.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var removeVariants = new NpgsqlCommand("DELETE FROM variants WHERE product_id = $1", connection, transaction))
        {
            removeVariants.Parameters.Add(new NpgsqlParameter { Value = row.ProductId });
            await removeVariants.ExecuteNonQueryAsync(cancellationToken);
        }
        var variants = product.Variants.Where(variant => variant.EffectivePrice is not null).ToList();
        if (rebuilding)
        {
            // The catalog's stock as read now; stock events still in flight are newer and will overwrite it.
            await RecordStockAsync(connection, transaction, [.. variants.Select(variant => variant.Sku)], [.. variants.Select(variant => variant.Available)],
                cancellationToken);
        }
        await using (var insertVariants = new NpgsqlCommand("""
            INSERT INTO variants (sku, product_id, currency_code, effective_price, available)
            SELECT sku, $1, currency_code, effective_price, coalesce(stock.available, variant.available)
            FROM unnest($2::text[], $3::text[], $4::numeric[], $5::bigint[]) AS variant(sku, currency_code, effective_price, available)
            LEFT JOIN stock_levels stock USING (sku)
            -- A SKU that moved here from another product.
            ON CONFLICT (sku) DO UPDATE SET product_id = $1, currency_code = EXCLUDED.currency_code,
                effective_price = EXCLUDED.effective_price, available = EXCLUDED.available
            """, connection, transaction)
        {
            Parameters =
            {
                new() { Value = row.ProductId },
                new() { Value = variants.Select(variant => variant.Sku).ToArray() },
                new() { Value = variants.Select(variant => variant.EffectivePrice.CurrencyCode).ToArray() },
                new() { Value = variants.Select(variant => variant.EffectivePrice.ToDecimal()).ToArray() },
                new() { Value = variants.Select(variant => variant.Available).ToArray() },
            },
        })
        {
            await insertVariants.ExecuteNonQueryAsync(cancellationToken);
        }
        await RefreshProductAsync(connection, transaction, row.ProductId, cancellationToken);
    }

    private static async Task RecordStockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string[] skus, long[] available,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO stock_levels (sku, available) SELECT * FROM unnest($1::text[], $2::bigint[])
            ON CONFLICT (sku) DO UPDATE SET available = EXCLUDED.available
            """, connection, transaction)
        {
            Parameters = { new() { Value = skus }, new() { Value = available } },
        };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task DeleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IndexChange.Delete delete, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            WITH tombstone AS (
                INSERT INTO products (product_id, version, deleted, name, description, brand, category_id, category_path, image_url,
                                      created_at, attributes, attribute_text, in_stock)
                VALUES ($1, $2, true, '', '', '', '', '{}', '', now(), '{}', '', false)
                ON CONFLICT (product_id) DO UPDATE SET version = EXCLUDED.version, deleted = true
                WHERE products.version < EXCLUDED.version
                RETURNING product_id)
            DELETE FROM variants WHERE product_id IN (SELECT product_id FROM tombstone)
            """, connection, transaction)
        {
            Parameters = { new() { Value = delete.ProductId }, new() { Value = delete.Version } },
        };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs a variant update, then recomputes its product's lowest price and stock from all its variants.</summary>
    private static async Task RefreshVariantsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string variantUpdate, object[] parameters,
        CancellationToken cancellationToken)
    {
        string? productId;
        await using (var update = new NpgsqlCommand(variantUpdate, connection, transaction))
        {
            update.Parameters.AddRange(parameters.Select(value => new NpgsqlParameter { Value = value }).ToArray());
            productId = await update.ExecuteScalarAsync(cancellationToken) as string;
        }
        if (productId is not null)
        {
            await RefreshProductAsync(connection, transaction, productId, cancellationToken);
        }
    }

    /// <summary>Recomputes a product's lowest effective price and whether it is in stock from its variants.</summary>
    private static async Task RefreshProductAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string productId,
        CancellationToken cancellationToken)
    {
        await using var refresh = new NpgsqlCommand("""
            UPDATE products SET price = cheapest.price, currency_code = cheapest.currency_code, in_stock = cheapest.in_stock
            FROM (SELECT effective_price AS price, currency_code, bool_or(available > 0) OVER () AS in_stock
                  FROM variants WHERE product_id = $1 ORDER BY effective_price LIMIT 1) cheapest
            WHERE products.product_id = $1
            """, connection, transaction)
        {
            Parameters = { new() { Value = productId } },
        };
        await refresh.ExecuteNonQueryAsync(cancellationToken);
    }
}
