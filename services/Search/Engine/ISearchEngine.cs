using ECommerce.Contracts.Events.V1;
using ECommerce.Contracts.Search.V1;
using ECommerce.EventBus.Consuming;

namespace ECommerce.Search.Engine;

/// <summary>
/// Everything the service needs from a search engine: keep an index of products and query it.
/// <see cref="Postgres.PostgresSearchEngine"/> is the one implementation; another engine
/// (Elasticsearch, OpenSearch, …) would implement this and nothing else would change.
/// </summary>
internal interface ISearchEngine
{
    /// <summary>One page of hits, facets over every match, and the total.</summary>
    Task<SearchResults> SearchAsync(SearchQuery query, CancellationToken cancellationToken);

    /// <summary>Product names completing <paramref name="prefix"/>, best first.</summary>
    Task<IReadOnlyList<string>> SuggestAsync(string prefix, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Applies one catalog change as part of the event's own transaction, so a redelivered event changes nothing.
    /// Changes older than what the index holds are ignored.
    /// </summary>
    Task ApplyAsync(IndexChange change, EventContext context, CancellationToken cancellationToken);

    /// <summary>Makes the index hold exactly <paramref name="catalog"/>; returns how many products it indexed.</summary>
    Task<long> RebuildAsync(IAsyncEnumerable<ProductSnapshot> catalog, CancellationToken cancellationToken);
}

/// <summary>A change to the index, from one catalog event.</summary>
internal abstract record IndexChange
{
    public sealed record Upsert(ProductSnapshot Product) : IndexChange;

    public sealed record Delete(string ProductId, long Version) : IndexChange;

    public sealed record PriceChange(string ProductId, string Sku, decimal EffectivePrice, string CurrencyCode) : IndexChange;

    public sealed record StockChange(string Sku, long Available) : IndexChange;
}

internal sealed record SearchResults(IReadOnlyList<SearchHit> Hits, IReadOnlyList<Facet> Facets, long TotalSize, string CorrectedQuery);
