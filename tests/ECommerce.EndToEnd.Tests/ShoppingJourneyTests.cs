using System.Net;
using System.Text.Json;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Search.V1;
using Grpc.Net.Client;

namespace ECommerce.EndToEnd.Tests;

/// <summary>
/// Browse the demo catalog and search it, through the mesh the AppHost runs: the catalog loads its
/// demo products on first run, and Search learns of them only through the catalog's events.
/// </summary>
public sealed class ShoppingJourneyTests(RunningMesh mesh) : IAsyncLifetime
{
    private GrpcChannel _catalogChannel = null!;
    private GrpcChannel _searchChannel = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _catalogChannel = GrpcChannel.ForAddress(mesh.ServiceUrl("catalog", "grpc"));
        _searchChannel = GrpcChannel.ForAddress(mesh.ServiceUrl("search", "grpc"));
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task BrowseCategoriesReadAProductWithVariantsAndSearchWithFacets_OverGrpc()
    {
        var catalog = new CatalogService.CatalogServiceClient(_catalogChannel);
        var search = new SearchService.SearchServiceClient(_searchChannel);

        var categories = (await catalog.ListCategoriesAsync(new ListCategoriesRequest(), cancellationToken: Cancellation)).Categories;
        var topLevel = categories.First(category => category.ParentId == "" && categories.Any(child => child.ParentId == category.CategoryId));
        var products = await catalog.ListProductsAsync(new ListProductsRequest { CategoryId = topLevel.CategoryId, Page = new() { PageSize = 5 } }, cancellationToken: Cancellation);
        var product = (await catalog.GetProductAsync(new GetProductRequest { ProductId = products.Products[0].ProductId }, cancellationToken: Cancellation)).Product;

        Assert.NotEmpty(products.Products);
        Assert.All(products.Products, listed => Assert.Contains(categories, category => category.CategoryId == listed.CategoryId));
        Assert.NotEmpty(product.Brand);
        Assert.NotEmpty(product.Variants);
        Assert.All(product.Variants, variant =>
        {
            Assert.NotEmpty(variant.Sku);
            Assert.Equal(product.Options.Count, variant.Options.Count);
            Assert.Equal(product.BasePrice.CurrencyCode, variant.EffectivePrice.CurrencyCode);
        });

        var found = await EventuallyAsync(() => search.SearchAsync(new SearchRequest
        {
            Query = product.Name,
            Facets = { "brand" },
            Page = new() { PageSize = 10 },
        }, cancellationToken: Cancellation).ResponseAsync, response => response.Hits.Count > 0);
        Assert.Equal(product.ProductId, found.Hits[0].ProductId);

        // Facet counts are compared with a filtered search, so the index must have taken in the whole
        // demo catalog first: wait until its size stops changing.
        await IndexSettledAsync(search);
        var inCategory = await search.SearchAsync(new SearchRequest { CategoryId = topLevel.CategoryId, Facets = { "brand" }, Page = new() { PageSize = 1 } },
            cancellationToken: Cancellation);
        var brandFacet = inCategory.Facets.Single(facet => facet.Name == "brand").Values.First();
        var filtered = await search.SearchAsync(new SearchRequest
        {
            CategoryId = topLevel.CategoryId,
            Attributes = { new AttributeFilter { Name = "brand", Values = { brandFacet.Value } } },
            Page = new() { PageSize = 1 },
        }, cancellationToken: Cancellation);
        Assert.Equal(brandFacet.Count, filtered.Page.TotalSize);
    }

    [Fact]
    public async Task BrowseCategoriesReadAProductWithVariantsAndSearchWithFacets_OverRest()
    {
        using var client = mesh.NewRestClient();

        using var categoriesResponse = await client.GetAsync("/v1/categories", accessToken: null);
        Assert.Equal(HttpStatusCode.OK, categoriesResponse.StatusCode);
        var categories = (await categoriesResponse.ReadJsonAsync()).GetProperty("categories").EnumerateArray().ToList();
        var topLevel = categories.First(category => category.GetProperty("parentId").GetString() == "").GetProperty("categoryId").GetString();

        using var productsResponse = await client.GetAsync($"/v1/products?categoryId={topLevel}&page.pageSize=3", accessToken: null);
        Assert.Equal(HttpStatusCode.OK, productsResponse.StatusCode);
        var productId = (await productsResponse.ReadJsonAsync()).GetProperty("products")[0].GetProperty("productId").GetString();

        using var productResponse = await client.GetAsync($"/v1/products/{productId}", accessToken: null);
        Assert.Equal(HttpStatusCode.OK, productResponse.StatusCode);
        var product = (await productResponse.ReadJsonAsync()).GetProperty("product");
        var variants = product.GetProperty("variants").EnumerateArray().ToList();
        Assert.NotEmpty(variants);
        Assert.All(variants, variant => Assert.Equal(JsonValueKind.String, variant.GetProperty("effectivePrice").GetProperty("units").ValueKind));

        var query = Uri.EscapeDataString(product.GetProperty("name").GetString()!);
        var found = await EventuallyAsync(async () =>
        {
            using var response = await client.GetAsync($"/v1/search?query={query}&facets=brand&categoryId={topLevel}&inStockOnly=true&page.pageSize=5", accessToken: null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.ReadJsonAsync();
        }, json => json.GetProperty("hits").GetArrayLength() > 0);
        Assert.Equal(productId, found.GetProperty("hits")[0].GetProperty("productId").GetString());
        var brandFacet = found.GetProperty("facets").EnumerateArray().Single(facet => facet.GetProperty("name").GetString() == "brand");
        Assert.NotEmpty(brandFacet.GetProperty("values").EnumerateArray());
    }

    public ValueTask DisposeAsync()
    {
        _catalogChannel?.Dispose();
        _searchChannel?.Dispose();
        return ValueTask.CompletedTask;
    }

    private static async Task IndexSettledAsync(SearchService.SearchServiceClient search)
    {
        long previous = -1;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var size = (await search.SearchAsync(new SearchRequest { Page = new() { PageSize = 1 } }, cancellationToken: Cancellation)).Page.TotalSize;
            if (size > 0 && size == previous)
            {
                return;
            }
            previous = size;
            await Task.Delay(1500, Cancellation);
        }
    }

    /// <summary>Search learns of the demo catalog through events shortly after the mesh starts.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }
            await Task.Delay(250, Cancellation);
        }
    }
}
