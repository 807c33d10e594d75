using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Search.V1;
using ECommerce.Grpc;
using ECommerce.Search.Engine;
using ECommerce.Search.Indexing;
using ECommerce.ServiceDefaults.Authentication;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace ECommerce.Search.Api;

/// <summary>The ecommerce.search.v1.SearchService contract: validates requests and hands them to the search engine.</summary>
internal sealed class SearchApi(ISearchEngine engine, PageToken pageTokens, ILogger<SearchApi> logger) : SearchService.SearchServiceBase
{
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;
    private const int MaxQueryLength = 200;
    private const int MaxFilters = 20;
    // What one search may ask of the database: every filter value is a condition the query plan carries. A shopper's
    // filters hold a few values each; 300,000 values in one filter once held a core for half a minute.
    private const int MaxValuesPerFilter = 50;
    private const int MaxFilterValues = 200;
    private const int MaxAttributeTextLength = 100;
    private const int DefaultSuggestions = 10;
    private const int MaxSuggestions = 20;

    public override async Task<SearchResponse> Search(SearchRequest request, ServerCallContext context)
    {
        var query = Validate(request);
        var results = await engine.SearchAsync(query, context.CancellationToken);
        var nextOffset = query.Offset + results.Hits.Count;
        return new SearchResponse
        {
            Hits = { results.Hits },
            Facets = { results.Facets },
            CorrectedQuery = results.CorrectedQuery,
            Page = new() { TotalSize = results.TotalSize, NextPageToken = nextOffset < results.TotalSize && nextOffset <= PageToken.MaxOffset ? pageTokens.Create(request, nextOffset) : "" },
        };
    }

    public override async Task<SuggestResponse> Suggest(SuggestRequest request, ServerCallContext context)
    {
        new FieldViolations()
            .Check(!string.IsNullOrWhiteSpace(request.Prefix), "prefix", "is required")
            .Check(request.Prefix.Length <= MaxQueryLength, "prefix", $"must be at most {MaxQueryLength} characters")
            .Check(request.Limit is >= 0 and <= MaxSuggestions, "limit", $"must be between 1 and {MaxSuggestions}, or 0 for {DefaultSuggestions}")
            .ThrowIfAny();
        var suggestions = await engine.SuggestAsync(request.Prefix, request.Limit == 0 ? DefaultSuggestions : request.Limit, context.CancellationToken);
        return new SuggestResponse { Suggestions = { suggestions } };
    }

    [Authorize(Roles = AccessTokens.AdminRole)]
    public override async Task<RebuildIndexResponse> RebuildIndex(RebuildIndexRequest request, ServerCallContext context)
    {
        // Resolved here rather than injected: the catalog client needs the Catalog's address, and
        // searching must not depend on it.
        var catalog = context.GetHttpContext().RequestServices.GetRequiredService<CatalogSnapshots>();
        var indexed = await engine.RebuildAsync(catalog.ReadAllAsync(context.CancellationToken), context.CancellationToken);
        logger.LogInformation("Search index rebuilt from the catalog: {Products} products", indexed);
        return new RebuildIndexResponse { ProductsIndexed = indexed };
    }

    private SearchQuery Validate(SearchRequest request)
    {
        var violations = new FieldViolations()
            .Check(request.Query.Length <= MaxQueryLength, "query", $"must be at most {MaxQueryLength} characters")
            .Check(Enum.IsDefined(request.Sort), "sort", "must be one of the SortOrder values")
            .Check(request.Attributes.Count <= MaxFilters, "attributes", $"must have at most {MaxFilters} filters")
            .Check(request.Facets.Count <= MaxFilters, "facets", $"must name at most {MaxFilters} attributes");
        foreach (var (price, field) in new[] { (request.MinPrice, "min_price"), (request.MaxPrice, "max_price") })
        {
            if (price is not null && !Money.IsCurrencyCode(price.CurrencyCode))
            {
                violations.Add(field, "must have a three-letter ISO 4217 currency code");
            }
            else if (price is not null && (!price.HasValidNanos || price.IsNegative))
            {
                violations.Add(field, "must be a non-negative amount with nanos between 0 and 999,999,999");
            }
        }
        if (request.MinPrice is not null && request.MaxPrice is not null && violations.IsEmpty)
        {
            violations
                .Check(request.MinPrice.CurrencyCode == request.MaxPrice.CurrencyCode, "max_price", "must be in the currency of min_price")
                .Check(request.MinPrice.ToDecimal() <= request.MaxPrice.ToDecimal(), "max_price", "must not be less than min_price");
        }
        for (var i = 0; i < request.Attributes.Count; i++)
        {
            var filter = request.Attributes[i];
            violations
                .Check(IsAttributeName(filter.Name), $"attributes[{i}].name", $"must be a non-empty attribute name without '=', at most {MaxAttributeTextLength} characters")
                .Check(filter.Values.Count > 0, $"attributes[{i}].values", "must have at least one value")
                .Check(filter.Values.Count <= MaxValuesPerFilter, $"attributes[{i}].values", $"must have at most {MaxValuesPerFilter} values")
                .Check(filter.Values.All(value => value.Length <= MaxAttributeTextLength), $"attributes[{i}].values",
                    $"must each be at most {MaxAttributeTextLength} characters");
        }
        var filterValues = request.Attributes.Sum(filter => filter.Values.Count);
        violations.Check(filterValues <= MaxFilterValues, "attributes", $"must have at most {MaxFilterValues} values in all (has {filterValues})");
        for (var i = 0; i < request.Facets.Count; i++)
        {
            violations.Check(IsAttributeName(request.Facets[i]), $"facets[{i}]", $"must be a non-empty attribute name without '=', at most {MaxAttributeTextLength} characters");
        }
        var pageSize = request.Page?.PageSize ?? 0;
        violations.Check(pageSize is >= 0 and <= MaxPageSize, "page.page_size", $"must be between 1 and {MaxPageSize}, or 0 for {DefaultPageSize}");
        var token = request.Page?.PageToken ?? "";
        var offset = token.Length == 0 ? 0 : pageTokens.TryReadOffset(request, token);
        violations.Check(offset is not null, "page.page_token", $"must be a next_page_token returned for this same search (pages end at result {PageToken.MaxOffset})");
        violations.ThrowIfAny();

        return new SearchQuery(
            request.Query.Trim(),
            request.CategoryId,
            request.MinPrice is null ? null : request.MinPrice.ToDecimal(),
            request.MaxPrice is null ? null : request.MaxPrice.ToDecimal(),
            request.MinPrice?.CurrencyCode ?? request.MaxPrice?.CurrencyCode,
            [.. request.Attributes],
            request.InStockOnly,
            request.Sort,
            [.. request.Facets.Where(name => name is not SearchQuery.BrandFacet and not SearchQuery.CategoryFacet).Distinct()],
            offset!.Value,
            pageSize == 0 ? DefaultPageSize : pageSize);
    }

    private static bool IsAttributeName(string name) =>
        !string.IsNullOrWhiteSpace(name) && !name.Contains('=') && name.Length <= MaxAttributeTextLength;
}
