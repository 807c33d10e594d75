using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Events.V1;
using ECommerce.Contracts.Search.V1;

namespace ECommerce.Search.Tests;

/// <summary>Six products in a category tree of their own, indexed once through real catalog events.</summary>
public sealed class ShoeShop(SearchServiceHost search) : IAsyncLifetime
{
    public TestCatalog Catalog { get; } = new();

    public ProductSnapshot TrailblazerShoe { get; private set; } = null!;
    public ProductSnapshot TrailblazerLaces { get; private set; } = null!;
    public ProductSnapshot RoadShoe { get; private set; } = null!;
    public ProductSnapshot RainJacket { get; private set; } = null!;
    public ProductSnapshot HikingSocks { get; private set; } = null!;
    public ProductSnapshot CanvasSneakers { get; private set; } = null!;
    public IReadOnlyList<ProductSnapshot> All { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        TrailblazerShoe = Catalog.Product("Trailblazer Running Shoe", "Northpeak", "Grippy soles for muddy paths.", 120m, colour: "red");
        TrailblazerLaces = Catalog.Product("Trailblazer Running Shoe Laces", "Northpeak", "Spare laces.", 8m);
        RoadShoe = Catalog.Product("Road Running Shoe", "Swiftfoot", "Lighter than the Trailblazer Running Shoe, made for asphalt.", 90m, available: 0,
            inSubCategory: true, colour: "red");
        RainJacket = Catalog.Product("Rain Running Jacket", "Northpeak", "Keeps the rain out.", 150m, inSubCategory: true, colour: "blue");
        HikingSocks = Catalog.Product("Wool Hiking Socks", "Woolly", "Warm feet on long walks.", 15m, colour: "grey");
        CanvasSneakers = Catalog.Product("Canvas Sneakers", "Swiftfoot", "Casual shoes for the city.", 60m, available: 3, inSubCategory: true, colour: "white");
        All = [TrailblazerShoe, TrailblazerLaces, RoadShoe, RainJacket, HikingSocks, CanvasSneakers];
        await search.PublishAndWaitAsync([.. All.Select(product => new ProductCreated { Product = product })]);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class RelevanceTests(SearchServiceHost search, ShoeShop shop) : IClassFixture<ShoeShop>
{
    private TestCatalog Catalog => shop.Catalog;

    [Fact]
    public async Task An_exact_name_match_ranks_first()
    {
        var response = await search.Client.SearchAsync(Catalog.Search("Trailblazer Running Shoe"));

        Assert.Equal(shop.TrailblazerShoe.ProductId, response.Hits[0].ProductId);
        // The laces share the name's words and the road shoe's description names it: both found, ranked below.
        Assert.Equal([shop.TrailblazerShoe.ProductId, shop.TrailblazerLaces.ProductId, shop.RoadShoe.ProductId],
            response.Hits.Select(hit => hit.ProductId));
        Assert.Equal(3, response.Page.TotalSize);
        Assert.Empty(response.CorrectedQuery);
    }

    [Fact]
    public async Task A_name_match_outranks_a_description_match()
    {
        var response = await search.Client.SearchAsync(Catalog.Search("asphalt shoe"));
        var byName = await search.Client.SearchAsync(Catalog.Search("road"));

        Assert.Equal([shop.RoadShoe.ProductId], response.Hits.Select(hit => hit.ProductId));
        Assert.Equal(shop.RoadShoe.ProductId, byName.Hits[0].ProductId);
    }

    [Theory]
    [InlineData("Trailblazr", "trailblazer")]
    [InlineData("snekaers", "sneakers")]
    [InlineData("canvas snekaers", "canvas sneakers")]
    public async Task A_one_letter_typo_still_finds_the_product_and_says_what_it_searched_for(string typed, string corrected)
    {
        var response = await search.Client.SearchAsync(Catalog.Search(typed));

        Assert.NotEmpty(response.Hits);
        Assert.Contains(response.Hits[0].ProductId, new[] { shop.TrailblazerShoe.ProductId, shop.TrailblazerLaces.ProductId, shop.CanvasSneakers.ProductId });
        Assert.Equal(corrected, response.CorrectedQuery);
    }

    [Fact]
    public async Task A_query_nothing_resembles_finds_nothing()
    {
        var response = await search.Client.SearchAsync(Catalog.Search("xylophone"));

        Assert.Empty(response.Hits);
        Assert.Equal(0, response.Page.TotalSize);
        Assert.Empty(response.CorrectedQuery);
    }

    [Fact]
    public async Task Hits_highlight_the_matching_words()
    {
        var byName = await search.Client.SearchAsync(Catalog.Search("laces"));
        var byDescription = await search.Client.SearchAsync(Catalog.Search("asphalt"));

        Assert.Equal("Trailblazer Running Shoe <b>Laces</b>", byName.Hits.Single().Highlight);
        Assert.Contains("<b>asphalt</b>", byDescription.Hits.Single().Highlight);
    }

    [Theory]
    [InlineData("")]
    [InlineData("running")]
    public async Task Facet_counts_equal_the_results_of_selecting_that_facet_value(string query)
    {
        var request = Catalog.Search(query);
        request.Facets.Add("colour");
        var response = await search.Client.SearchAsync(request);

        Assert.Equal(["brand", "category", "colour"], response.Facets.Select(facet => facet.Name).Order());
        foreach (var facet in response.Facets)
        {
            Assert.NotEmpty(facet.Values);
            foreach (var value in facet.Values)
            {
                var selected = Catalog.Search(query);
                if (facet.Name == "category")
                {
                    selected.CategoryId = value.Value;
                }
                else
                {
                    selected.Attributes.Add(new AttributeFilter { Name = facet.Name, Values = { value.Value } });
                }
                var narrowed = await search.Client.SearchAsync(selected);
                Assert.True(value.Count == narrowed.Page.TotalSize, $"{facet.Name}={value.Value}: facet says {value.Count}, selecting it finds {narrowed.Page.TotalSize}");
            }
        }
        var brands = response.Facets.Single(facet => facet.Name == "brand").Values;
        Assert.Equal(response.Page.TotalSize, brands.Sum(value => value.Count));
    }

    [Fact]
    public async Task Facets_count_over_the_filtered_results()
    {
        var request = Catalog.Search();
        request.Attributes.Add(new AttributeFilter { Name = "colour", Values = { "red" } });
        var response = await search.Client.SearchAsync(request);

        var brands = response.Facets.Single(facet => facet.Name == "brand").Values.ToDictionary(value => value.Value, value => value.Count);
        Assert.Equal(new Dictionary<string, long> { ["Northpeak"] = 1, ["Swiftfoot"] = 1 }, brands);
        var categories = response.Facets.Single(facet => facet.Name == "category").Values.ToDictionary(value => value.Value, value => value.Count);
        Assert.Equal(new Dictionary<string, long> { [Catalog.Root] = 2, [Catalog.Child] = 1 }, categories);
    }

    [Fact]
    public async Task A_category_filter_includes_its_sub_categories()
    {
        var root = await search.Client.SearchAsync(Catalog.Search());
        var child = await search.Client.SearchAsync(new SearchRequest { CategoryId = Catalog.Child });

        Assert.Equal(shop.All.Select(product => product.ProductId).Order(), root.Hits.Select(hit => hit.ProductId).Order());
        Assert.Equal(new[] { shop.RoadShoe, shop.RainJacket, shop.CanvasSneakers }.Select(product => product.ProductId).Order(),
            child.Hits.Select(hit => hit.ProductId).Order());
    }

    [Fact]
    public async Task Price_stock_and_attribute_filters_narrow_the_results()
    {
        var priced = Catalog.Search();
        priced.MinPrice = TestCatalog.Eur(50m);
        priced.MaxPrice = TestCatalog.Eur(100m);
        var inStock = Catalog.Search("running");
        inStock.InStockOnly = true;
        var colours = Catalog.Search();
        colours.Attributes.Add(new AttributeFilter { Name = "colour", Values = { "blue", "white" } });
        var brandAndColour = Catalog.Search();
        brandAndColour.Attributes.Add(new AttributeFilter { Name = "brand", Values = { "Swiftfoot" } });
        brandAndColour.Attributes.Add(new AttributeFilter { Name = "colour", Values = { "red" } });

        Assert.Equal(Ids(shop.RoadShoe, shop.CanvasSneakers), Ids(await search.Client.SearchAsync(priced)));
        Assert.Equal(Ids(shop.TrailblazerShoe, shop.TrailblazerLaces, shop.RainJacket), Ids(await search.Client.SearchAsync(inStock)));
        Assert.Equal(Ids(shop.RainJacket, shop.CanvasSneakers), Ids(await search.Client.SearchAsync(colours)));
        Assert.Equal(Ids(shop.RoadShoe), Ids(await search.Client.SearchAsync(brandAndColour)));
    }

    [Fact]
    public async Task Hits_carry_the_lowest_price_stock_and_image()
    {
        var hit = (await search.Client.SearchAsync(Catalog.Search("Road Running Shoe"))).Hits[0];

        Assert.Equal(shop.RoadShoe.ProductId, hit.ProductId);
        Assert.Equal(TestCatalog.Eur(90m), hit.Price);
        Assert.False(hit.InStock);
        Assert.Equal("Swiftfoot", hit.Brand);
        Assert.Equal(Catalog.Child, hit.CategoryId);
        Assert.Equal(shop.RoadShoe.ImageUrls[0], hit.ImageUrl);
        Assert.True(hit.Score > 0);
    }

    [Theory]
    [InlineData(SortOrder.PriceAscending)]
    [InlineData(SortOrder.PriceDescending)]
    [InlineData(SortOrder.Name)]
    public async Task Results_come_in_the_requested_order(SortOrder sort)
    {
        var request = Catalog.Search();
        request.Sort = sort;
        var hits = (await search.Client.SearchAsync(request)).Hits;

        var expected = sort switch
        {
            SortOrder.PriceAscending => shop.All.OrderBy(Price),
            SortOrder.PriceDescending => shop.All.OrderByDescending(Price),
            _ => shop.All.OrderBy(product => product.Name, StringComparer.OrdinalIgnoreCase),
        };
        Assert.Equal(expected.Select(product => product.ProductId), hits.Select(hit => hit.ProductId));
    }

    [Fact]
    public async Task Pages_cover_every_result_once()
    {
        var request = Catalog.Search();
        request.Sort = SortOrder.PriceAscending;
        request.Page = new PageRequest { PageSize = 4 };
        var first = await search.Client.SearchAsync(request);
        request.Page.PageToken = first.Page.NextPageToken;
        var second = await search.Client.SearchAsync(request);

        Assert.Equal(4, first.Hits.Count);
        Assert.Equal(2, second.Hits.Count);
        Assert.Equal(6, first.Page.TotalSize);
        Assert.Empty(second.Page.NextPageToken);
        Assert.Equal(shop.All.OrderBy(Price).Select(product => product.ProductId), first.Hits.Concat(second.Hits).Select(hit => hit.ProductId));
    }

    [Fact]
    public async Task Suggestions_complete_a_prefix_and_forgive_a_typo()
    {
        var prefix = await search.Client.SuggestAsync(new SuggestRequest { Prefix = "Trailblazer Run" });
        var typo = await search.Client.SuggestAsync(new SuggestRequest { Prefix = "trialblazer", Limit = 5 });
        var midName = await search.Client.SuggestAsync(new SuggestRequest { Prefix = "hiking so" });

        Assert.Equal(["Trailblazer Running Shoe", "Trailblazer Running Shoe Laces"], prefix.Suggestions.Take(2));
        Assert.Contains("Trailblazer Running Shoe", typo.Suggestions);
        Assert.True(typo.Suggestions.Count <= 5);
        Assert.Equal("Wool Hiking Socks", midName.Suggestions[0]);
    }

    private static decimal Price(ProductSnapshot product) => TestCatalog.Amount(product.Variants[0].EffectivePrice);

    private static string[] Ids(params ProductSnapshot[] products) => [.. products.Select(product => product.ProductId).Order()];

    private static string[] Ids(SearchResponse response) => [.. response.Hits.Select(hit => hit.ProductId).Order()];
}
