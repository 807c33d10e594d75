using System.Text.Json;
using ECommerce.Catalog.Pricing;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Grpc;
using Google.Protobuf.WellKnownTypes;
using Npgsql;

namespace ECommerce.Catalog.Products;

/// <summary>
/// Many SKUs in one statement (BatchGetVariants): each with its product's name, its effective price,
/// available stock and shipping weight, or why it is not there (never existed, or retired: see 0003_retired_skus.sql).
/// </summary>
/// <remarks>Straight from PostgreSQL, not the cache: a cart checks stock with it, which the cache does not keep fresh.</remarks>
internal static class VariantLookup
{
    public const int MaxSkus = 500;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string Sql = """
        SELECT asked.sku, v.product_id, p.name, p.currency_code, v.options, v.price, v.sale_price, v.sale_starts_at, v.sale_ends_at,
               v.image_urls, v.on_hand - v.reserved, r.sku IS NOT NULL, v.weight_grams
        FROM unnest($1::text[]) WITH ORDINALITY AS asked (sku, position)
        LEFT JOIN variants v ON v.sku = asked.sku
        LEFT JOIN products p ON p.product_id = v.product_id
        LEFT JOIN retired_skus r ON r.sku = asked.sku
        ORDER BY asked.position
        """;

    public static void Check(IReadOnlyList<string> skus)
    {
        var violations = new FieldViolations()
            .Check(skus.Count > 0, "skus", "must name at least one SKU")
            .Check(skus.Count <= MaxSkus, "skus", $"must name at most {MaxSkus} SKUs");
        for (var i = 0; i < skus.Count && i < MaxSkus; i++)
        {
            violations.Check(ProductRules.IsValidSku(skus[i]), $"skus[{i}]", "must be a SKU");
        }
        violations.ThrowIfAny();
    }

    public static async Task<List<SkuLookup>> FindAsync(NpgsqlDataSource dataSource, IReadOnlyList<string> skus, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter { Value = skus.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = new List<SkuLookup>(skus.Count);
        while (await reader.ReadAsync(cancellationToken))
        {
            var lookup = new SkuLookup { Sku = reader.GetString(0) };
            if (reader.IsDBNull(1))
            {
                lookup.State = reader.GetBoolean(11) ? SkuLookup.Types.State.Discontinued : SkuLookup.Types.State.Unknown;
                found.Add(lookup);
                continue;
            }
            var currency = reader.GetString(3);
            var variant = new Variant
            {
                Sku = lookup.Sku,
                Options = { JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(4), Json)! },
                Price = Prices.ToMoney(currency, reader.GetDecimal(5)),
                ImageUrls = { reader.GetFieldValue<string[]>(9) },
                Available = reader.GetInt64(10),
                WeightGrams = reader.GetInt64(12),
            };
            if (!reader.IsDBNull(6))
            {
                variant.Sale = new SalePrice
                {
                    Price = Prices.ToMoney(currency, reader.GetDecimal(6)),
                    StartsAt = Timestamp.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(7)),
                    EndsAt = Timestamp.FromDateTimeOffset(reader.GetFieldValue<DateTimeOffset>(8)),
                };
            }
            variant.EffectivePrice = Prices.EffectivePrice(variant.Price, variant.Sale, now);
            lookup.State = SkuLookup.Types.State.Found;
            lookup.ProductId = reader.GetGuid(1).ToString();
            lookup.ProductName = reader.GetString(2);
            lookup.Variant = variant;
            found.Add(lookup);
        }
        return found;
    }
}
