using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using NpgsqlTypes;

namespace ECommerce.Catalog.Products;

/// <summary>Products and their variants in the service's own database, read whole with each variant's available stock.</summary>
internal sealed class ProductStore(NpgsqlDataSource dataSource)
{
    public const string ProductColumns =
        "product_id, name, description, brand, category_id, currency_code, base_price, options, image_urls, created_at, updated_at, version";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string VariantColumns =
        "sku, product_id, options, price, sale_price, sale_starts_at, sale_ends_at, image_urls, on_hand - reserved, weight_grams";

    public async Task<Product?> FindAsync(Guid productId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await ReadAsync(connection, null, $"SELECT {ProductColumns} FROM products WHERE product_id = $1", [productId], cancellationToken))
            .SingleOrDefault();
    }

    public async Task<Guid?> FindProductIdBySkuAsync(string sku, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT product_id FROM variants WHERE sku = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = sku });
        return await command.ExecuteScalarAsync(cancellationToken) as Guid?;
    }

    /// <summary>What a cart or a checkout needs to know of each SKU, in the order asked (see <see cref="VariantLookup"/>).</summary>
    public Task<List<SkuLookup>> FindVariantsAsync(IReadOnlyList<string> skus, DateTimeOffset now, CancellationToken cancellationToken) =>
        VariantLookup.FindAsync(dataSource, skus, now, cancellationToken);

    /// <summary>
    /// The categories a listing covers: <c>tree</c> holds category $1 and all its sub-categories, and
    /// <see cref="InTree"/> keeps the products in them (every product when $1 is null).
    /// </summary>
    private const string CategoryTree = """
        WITH RECURSIVE tree AS (
            SELECT category_id FROM categories WHERE category_id = $1
            UNION ALL
            SELECT child.category_id FROM categories child JOIN tree ON child.parent_id = tree.category_id)
        """;

    private const string InTree = "($1::uuid IS NULL OR category_id IN (SELECT category_id FROM tree))";

    /// <summary>Newest first, optionally within a category and all its sub-categories, after the cursor of the previous page.</summary>
    public async Task<List<Product>> ListAsync(Guid? categoryId, ProductCursor? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, null, $"""
            {CategoryTree}
            SELECT {ProductColumns} FROM products
            WHERE {InTree}
              AND ($2::timestamptz IS NULL OR (created_at, product_id) < ($2, $3))
            ORDER BY created_at DESC, product_id DESC
            LIMIT $4
            """,
            [
                new NpgsqlParameter { Value = (object?)categoryId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid },
                new NpgsqlParameter { Value = (object?)after?.CreatedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                new NpgsqlParameter { Value = (object?)after?.ProductId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid },
                new NpgsqlParameter { Value = limit },
            ], cancellationToken);
    }

    /// <summary>How many products <see cref="ListAsync"/> would list over all its pages: an index scan of the category's products.</summary>
    public async Task<long> CountAsync(Guid? categoryId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            {CategoryTree}
            SELECT count(*) FROM products WHERE {InTree}
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)categoryId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Reads products with their variants in position order; <paramref name="parameters"/> are values or NpgsqlParameters.</summary>
    public static async Task<List<Product>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string productsSql,
        IEnumerable<object> parameters, CancellationToken cancellationToken)
    {
        var products = new List<Product>();
        await using (var command = new NpgsqlCommand(productsSql, connection, transaction))
        {
            foreach (var parameter in parameters)
            {
                command.Parameters.Add(parameter as NpgsqlParameter ?? new NpgsqlParameter { Value = parameter });
            }
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var currency = reader.GetString(5);
                var product = new Product
                {
                    ProductId = reader.GetGuid(0).ToString(),
                    Name = reader.GetString(1),
                    Description = reader.GetString(2),
                    Brand = reader.GetString(3),
                    CategoryId = reader.GetGuid(4).ToString(),
                    BasePrice = Prices.ToMoney(currency, reader.GetDecimal(6)),
                    Options = { JsonSerializer.Deserialize<List<OptionJson>>(reader.GetString(7), Json)!.Select(option => new ProductOption { Name = option.Name, Values = { option.Values } }) },
                    ImageUrls = { reader.GetFieldValue<string[]>(8) },
                    CreatedAt = Timestamp.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(9)),
                    UpdatedAt = Timestamp.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(10)),
                    Etag = reader.GetInt64(11).ToString(),
                };
                products.Add(product);
            }
        }
        if (products.Count == 0)
        {
            return products;
        }

        var byId = products.ToDictionary(product => Guid.Parse(product.ProductId));
        await using var variants = new NpgsqlCommand($"SELECT {VariantColumns} FROM variants WHERE product_id = ANY($1) ORDER BY product_id, position",
            connection, transaction) { Parameters = { new() { Value = byId.Keys.ToArray() } } };
        await using var variantReader = await variants.ExecuteReaderAsync(cancellationToken);
        while (await variantReader.ReadAsync(cancellationToken))
        {
            var product = byId[variantReader.GetGuid(1)];
            var currency = product.BasePrice.CurrencyCode;
            var variant = new Variant
            {
                Sku = variantReader.GetString(0),
                Options = { JsonSerializer.Deserialize<Dictionary<string, string>>(variantReader.GetString(2), Json)! },
                Price = Prices.ToMoney(currency, variantReader.GetDecimal(3)),
                ImageUrls = { variantReader.GetFieldValue<string[]>(7) },
                Available = variantReader.GetInt64(8),
                WeightGrams = variantReader.GetInt64(9),
            };
            if (!variantReader.IsDBNull(4))
            {
                variant.Sale = new SalePrice
                {
                    Price = Prices.ToMoney(currency, variantReader.GetDecimal(4)),
                    StartsAt = Timestamp.FromDateTimeOffset(variantReader.GetFieldValue<DateTimeOffset>(5)),
                    EndsAt = Timestamp.FromDateTimeOffset(variantReader.GetFieldValue<DateTimeOffset>(6)),
                };
            }
            product.Variants.Add(variant);
        }
        return products;
    }

    /// <summary>Inserts a new product and its variants; a SKU that already exists fails the transaction with a unique violation.</summary>
    public static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Product product, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"INSERT INTO products ({ProductColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
        {
            Parameters =
            {
                new() { Value = Guid.Parse(product.ProductId) }, new() { Value = product.Name }, new() { Value = product.Description },
                new() { Value = product.Brand }, new() { Value = Guid.Parse(product.CategoryId) }, new() { Value = product.BasePrice.CurrencyCode },
                new() { Value = Prices.ToDecimal(product.BasePrice) }, new() { Value = OptionsJson(product), NpgsqlDbType = NpgsqlDbType.Jsonb },
                new() { Value = product.ImageUrls.ToArray() }, new() { Value = product.CreatedAt.ToDateTimeOffset() },
                new() { Value = product.UpdatedAt.ToDateTimeOffset() }, new() { Value = long.Parse(product.Etag) },
            },
        });
        for (var position = 0; position < product.Variants.Count; position++)
        {
            var variant = product.Variants[position];
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                "INSERT INTO variants (sku, product_id, position, options, price, image_urls, weight_grams) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            {
                Parameters =
                {
                    new() { Value = variant.Sku }, new() { Value = Guid.Parse(product.ProductId) }, new() { Value = position },
                    new() { Value = VariantOptionsJson(variant), NpgsqlDbType = NpgsqlDbType.Jsonb },
                    new() { Value = Prices.ToDecimal(variant.Price) }, new() { Value = variant.ImageUrls.ToArray() }, new() { Value = variant.WeightGrams },
                },
            });
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Writes a product's own fields and its variants' prices, images and weights, bumping the version.</summary>
    public static async Task UpdateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Product product, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            UPDATE products SET name = $2, description = $3, brand = $4, category_id = $5, base_price = $6, image_urls = $7,
                updated_at = $8, version = $9
            WHERE product_id = $1
            """)
        {
            Parameters =
            {
                new() { Value = Guid.Parse(product.ProductId) }, new() { Value = product.Name }, new() { Value = product.Description },
                new() { Value = product.Brand }, new() { Value = Guid.Parse(product.CategoryId) }, new() { Value = Prices.ToDecimal(product.BasePrice) },
                new() { Value = product.ImageUrls.ToArray() }, new() { Value = product.UpdatedAt.ToDateTimeOffset() }, new() { Value = long.Parse(product.Etag) },
            },
        });
        foreach (var variant in product.Variants.OrderBy(variant => variant.Sku, StringComparer.Ordinal))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE variants SET price = $2, image_urls = $3, weight_grams = $4 WHERE sku = $1")
            {
                Parameters = { new() { Value = variant.Sku }, new() { Value = Prices.ToDecimal(variant.Price) }, new() { Value = variant.ImageUrls.ToArray() }, new() { Value = variant.WeightGrams } },
            });
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Bumps a product's version for a change made to its variants, and returns the new version.</summary>
    public static async Task<long> TouchAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid productId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("UPDATE products SET version = version + 1, updated_at = $2 WHERE product_id = $1 RETURNING version",
            connection, transaction) { Parameters = { new() { Value = productId }, new() { Value = now } } };
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public static string OptionsJson(Product product) =>
        JsonSerializer.Serialize(product.Options.Select(option => new OptionJson(option.Name, [.. option.Values])), Json);

    public static string VariantOptionsJson(Variant variant) => JsonSerializer.Serialize(variant.Options.ToDictionary(), Json);

    private sealed record OptionJson(string Name, List<string> Values);
}

/// <summary>Where a page of products ends: the last product's creation time and id.</summary>
internal sealed record ProductCursor(DateTimeOffset CreatedAt, Guid ProductId)
{
    public string ToToken() => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{CreatedAt.UtcTicks}:{ProductId:N}"));

    public static bool TryParse(string token, out ProductCursor? cursor)
    {
        cursor = null;
        try
        {
            var parts = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split(':');
            if (parts.Length == 2 && long.TryParse(parts[0], out var ticks) && ticks >= 0 && ticks <= DateTimeOffset.MaxValue.UtcTicks
                && Guid.TryParseExact(parts[1], "N", out var productId))
            {
                cursor = new ProductCursor(new DateTimeOffset(ticks, TimeSpan.Zero), productId);
                return true;
            }
        }
        catch (FormatException)
        {
        }
        return false;
    }
}
