using ECommerce.Contracts.Catalog.V1;
using State = ECommerce.Contracts.Catalog.V1.SkuLookup.Types.State;

namespace ECommerce.Shipping.Quotes;

/// <summary>The weights of the SKUs a quote is for; the SKUs the catalog does not sell are listed apart.</summary>
internal sealed record Weights(IReadOnlyDictionary<string, long> GramsBySku, IReadOnlyList<string> NotSold);

internal interface ICatalogWeights
{
    Task<Weights> FindAsync(IReadOnlyList<string> skus, CancellationToken cancellationToken);
}

/// <summary>All of a cart's weights in one BatchGetVariants call to the catalog.</summary>
internal sealed class CatalogWeights(CatalogService.CatalogServiceClient catalog) : ICatalogWeights
{
    public async Task<Weights> FindAsync(IReadOnlyList<string> skus, CancellationToken cancellationToken)
    {
        var answer = await catalog.BatchGetVariantsAsync(new BatchGetVariantsRequest { Skus = { skus } }, cancellationToken: cancellationToken);
        return new Weights(
            answer.Skus.Where(lookup => lookup.State == State.Found).ToDictionary(lookup => lookup.Sku, lookup => lookup.Variant.WeightGrams, StringComparer.Ordinal),
            answer.Skus.Where(lookup => lookup.State != State.Found).Select(lookup => lookup.Sku).ToList());
    }
}
