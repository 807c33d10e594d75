using ECommerce.Contracts.Catalog.V1;

namespace ECommerce.Cart.Pricing;

/// <summary>The catalog's view of a cart's SKUs, in one BatchGetVariants call however many lines there are.</summary>
internal sealed class CatalogLookup(CatalogService.CatalogServiceClient catalog, CartMetrics metrics)
{
    public static readonly IReadOnlyDictionary<string, SkuLookup> None = new Dictionary<string, SkuLookup>();

    public async Task<IReadOnlyDictionary<string, SkuLookup>> FindAsync(IEnumerable<string> skus, CancellationToken cancellationToken)
    {
        var distinct = skus.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count == 0)
        {
            return None;
        }
        metrics.CatalogCalls.Add(1);
        var answer = await catalog.BatchGetVariantsAsync(new BatchGetVariantsRequest { Skus = { distinct } }, cancellationToken: cancellationToken);
        return answer.Skus.ToDictionary(lookup => lookup.Sku, StringComparer.Ordinal);
    }

    /// <summary>What is already known plus one call for the rest.</summary>
    public async Task<IReadOnlyDictionary<string, SkuLookup>> CompleteAsync(IEnumerable<string> skus, IReadOnlyDictionary<string, SkuLookup> known, CancellationToken cancellationToken)
    {
        var found = await FindAsync(skus.Where(sku => !known.ContainsKey(sku)), cancellationToken);
        return found.Count == 0 ? known : known.Concat(found).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
    }
}
