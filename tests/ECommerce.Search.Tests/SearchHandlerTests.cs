using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Events.V1;
using ECommerce.Contracts.Search.V1;
using ECommerce.EventBus.Consuming;
using ECommerce.Search.Api;
using ECommerce.Search.Engine;
using ECommerce.Search.Indexing;
using ECommerce.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace ECommerce.Search.Tests;

/// <summary>
/// The search handlers called as plain methods with an engine that only records what it is asked:
/// no server, no database, no Kafka.
/// </summary>
public sealed class SearchHandlerTests
{
    private readonly RecordingEngine _engine = new();

    [Fact]
    public async Task A_price_range_reaches_the_engine_as_exact_decimals_in_its_currency()
    {
        var api = Api();

        await api.Search(new SearchRequest
        {
            Query = "  socks ",
            MinPrice = new Money { CurrencyCode = "EUR", Units = 5, Nanos = 500_000_000 },
            MaxPrice = new Money { CurrencyCode = "EUR", Units = 12, Nanos = 1 },
        }, TestServerCallContext.Create(cancellationToken: TestContext.Current.CancellationToken));

        var query = Assert.Single(_engine.Queries);
        Assert.Equal(("socks", 5.5m, 12.000000001m, "EUR"), (query.Text, query.MinPrice, query.MaxPrice, query.CurrencyCode));
    }

    [Fact]
    public async Task A_bad_currency_or_a_negative_price_is_refused_before_the_engine_is_asked()
    {
        var api = Api();

        await GrpcAssert.InvalidArgumentNamingAsync(() => api.Search(new SearchRequest
        {
            MinPrice = new Money { CurrencyCode = "eur", Units = 5 },
            MaxPrice = new Money { CurrencyCode = "EUR", Units = -1 },
        }, TestServerCallContext.Create(cancellationToken: TestContext.Current.CancellationToken)), ["min_price", "max_price"]);

        Assert.Empty(_engine.Queries);
    }

    [Fact]
    public async Task A_price_change_indexes_the_new_effective_price_of_the_sku()
    {
        var handlers = new CatalogEventHandlers(_engine);

        await handlers.HandleAsync(new PriceChanged
        {
            ProductId = "p-1",
            Sku = "SKU-1",
            OldPrice = new Money { CurrencyCode = "EUR", Units = 20 },
            NewPrice = new Money { CurrencyCode = "EUR", Units = 14, Nanos = 990_000_000 },
        }, null!, TestContext.Current.CancellationToken);

        Assert.Equal(new IndexChange.PriceChange("p-1", "SKU-1", 14.99m, "EUR"), Assert.Single(_engine.Changes));
    }

    private SearchApi Api() =>
        new(_engine, new PageToken(new ConfigurationBuilder().Build(), NullLogger<PageToken>.Instance), NullLogger<SearchApi>.Instance);

    private sealed class RecordingEngine : ISearchEngine
    {
        public List<SearchQuery> Queries { get; } = [];
        public List<IndexChange> Changes { get; } = [];

        public Task<SearchResults> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
        {
            Queries.Add(query);
            return Task.FromResult(new SearchResults([], [], 0, ""));
        }

        public Task<IReadOnlyList<string>> SuggestAsync(string prefix, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>([]);

        public Task ApplyAsync(IndexChange change, EventContext context, CancellationToken cancellationToken)
        {
            Changes.Add(change);
            return Task.CompletedTask;
        }

        public Task<long> RebuildAsync(IAsyncEnumerable<ProductSnapshot> catalog, CancellationToken cancellationToken) => Task.FromResult(0L);
    }
}
