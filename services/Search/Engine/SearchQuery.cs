using ECommerce.Contracts.Search.V1;

namespace ECommerce.Search.Engine;

/// <summary>A validated search: what to match, which filters apply, and which slice of the results to return.</summary>
/// <param name="AttributeFilters">
/// Each filter must match (AND); within one, any of its values may (OR). The attribute "brand"
/// filters on the brand, so every facet value can be selected.
/// </param>
internal sealed record SearchQuery(
    string Text,
    string CategoryId,
    decimal? MinPrice,
    decimal? MaxPrice,
    string? CurrencyCode,
    IReadOnlyList<AttributeFilter> AttributeFilters,
    bool InStockOnly,
    SortOrder Sort,
    IReadOnlyList<string> FacetAttributes,
    int Offset,
    int PageSize)
{
    public const string BrandFacet = "brand";
    public const string CategoryFacet = "category";
}
