using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Search.V1;
using ECommerce.Benchmarking;

namespace ECommerce.Search.Benchmarks;

/// <summary>Search and Suggest latency over gRPC against the synthetic catalog, every search with facets.</summary>
internal static class LatencyBenchmark
{
    private const int Concurrency = 4;

    public static async Task<string> RunAsync(SearchService.SearchServiceClient search, int products, TimeSpan duration)
    {
        var scenarios = new (string Name, Func<Random, Task<bool>> Call)[]
        {
            ("Full text, two words (≈250 matches) + 4 facets", random => FoundAsync(search, WithFacets(new SearchRequest
            {
                Query = $"{SyntheticCatalog.Pick(random, SyntheticCatalog.Adjectives)} {SyntheticCatalog.Pick(random, SyntheticCatalog.Nouns)}",
            }))),
            ("Full text, one word (≈5,000 matches) + 4 facets", random => FoundAsync(search, WithFacets(new SearchRequest
            {
                Query = SyntheticCatalog.Pick(random, SyntheticCatalog.Nouns),
            }))),
            ("Browse: category + price range + in stock + colour, price sort, 4 facets", random => FoundAsync(search, WithFacets(new SearchRequest
            {
                CategoryId = SyntheticCatalog.Category(random.Next(SyntheticCatalog.RootCategories)),
                MinPrice = new Money { CurrencyCode = "EUR", Units = 20 },
                MaxPrice = new Money { CurrencyCode = "EUR", Units = 120 },
                InStockOnly = true,
                Attributes = { new AttributeFilter { Name = "colour", Values = { SyntheticCatalog.Pick(random, SyntheticCatalog.Colours) } } },
                Sort = SortOrder.PriceAscending,
            }))),
            ("No query, whole catalog + 4 facets", random => FoundAsync(search, WithFacets(new SearchRequest()))),
            ("One letter missing, corrected (\"waterproof jcket\")", random => FoundAsync(search, WithFacets(new SearchRequest
            {
                Query = Misspell(random, $"{SyntheticCatalog.Pick(random, SyntheticCatalog.Adjectives)} {SyntheticCatalog.Pick(random, SyntheticCatalog.Nouns)}"),
            }))),
            ("Suggest, 3–6 letter prefix", async random =>
            {
                var word = SyntheticCatalog.Pick(random, SyntheticCatalog.Adjectives);
                var suggestions = await search.SuggestAsync(new SuggestRequest { Prefix = word[..Math.Min(word.Length, 3 + random.Next(4))] });
                return suggestions.Suggestions.Count > 0;
            }),
        };

        var rows = new List<string>();
        foreach (var (name, call) in scenarios)
        {
            var randoms = Enumerable.Range(0, Concurrency).Select(worker => new Random(worker)).ToArray();
            await Measurements.RunAsync(Concurrency, TimeSpan.FromSeconds(2), (worker, _) => call(randoms[worker]));
            var (calls, found) = (0, 0);
            var result = await Measurements.RunAsync(Concurrency, duration, async (worker, _) =>
            {
                var hit = await call(randoms[worker]);
                Interlocked.Increment(ref calls);
                if (hit)
                {
                    Interlocked.Increment(ref found);
                }
            });
            rows.Add($"| {name} | {result.P50Ms:N1} | {result.P99Ms:N1} | {result.PerSecond:N0} | {100.0 * found / Math.Max(1, calls):N0}% |");
        }
        return $"""
            | Search latency, {products:N0} products, {Concurrency} concurrent callers, {duration.TotalSeconds:0} s each | p50 ms | p99 ms | calls/s | calls with results |
            |---|---:|---:|---:|---:|
            {string.Join(Environment.NewLine, rows)}
            """;
    }

    private static SearchRequest WithFacets(SearchRequest request)
    {
        request.Facets.Add(["colour", "size"]);
        return request;
    }

    /// <summary>Drops one letter (not the first) of the last word: a one-letter typo.</summary>
    private static string Misspell(Random random, string text) => text.Remove(random.Next(text.LastIndexOf(' ') + 2, text.Length), 1);

    private static async Task<bool> FoundAsync(SearchService.SearchServiceClient search, SearchRequest request) =>
        (await search.SearchAsync(request)).Hits.Count > 0;
}
