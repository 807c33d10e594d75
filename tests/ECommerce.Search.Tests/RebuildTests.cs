using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Events;
using ECommerce.Contracts.Search.V1;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.Testing;
using Grpc.Core;
using Npgsql;

namespace ECommerce.Search.Tests;

/// <summary>
/// The real Catalog service (a child process) and a Search service of its own, on a Kafka cluster of
/// their own: a rebuild replaces the whole index, which would wipe what other tests' products are in
/// the assembly's shared Search service.
/// </summary>
public sealed class CatalogWithSearch(SearchServiceHost shared) : IAsyncLifetime
{
    private readonly KafkaDevCluster _kafka = KafkaDevCluster.Start();
    private ServiceProcess? _catalogProcess;
    private ServiceOnKestrel<Api.SearchApi>? _search;

    public CatalogService.CatalogServiceClient Catalog { get; private set; } = null!;
    public InventoryService.InventoryServiceClient Inventory { get; private set; } = null!;
    public SearchService.SearchServiceClient Search { get; private set; } = null!;
    public NpgsqlDataSource SearchDatabase { get; private set; } = null!;
    public Metadata Admin { get; private set; } = null!;
    public Metadata Customer { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        foreach (var topic in new[] { EventTopics.CatalogProducts, EventTopics.CatalogInventory })
        {
            _kafka.CreateTopic(topic, 3);
        }
        _catalogProcess = await ServiceProcess.StartAsync("Catalog", new Dictionary<string, string>
        {
            ["ConnectionStrings__catalog"] = await shared.Infrastructure.CreateDatabaseAsync("catalog"),
            ["ConnectionStrings__redis"] = await shared.Infrastructure.RedisConnectionStringAsync(),
            ["ConnectionStrings__kafka"] = _kafka.BootstrapServers,
            ["Kafka__SessionTimeoutMs"] = KafkaDevCluster.DevelopmentSessionTimeoutMs.ToString(),
            [shared.Users.DiscoveryVariable.Key] = shared.Users.DiscoveryVariable.Value,
            ["Catalog__SeedDemoData"] = "false",
            ["Catalog__CacheKeyPrefix"] = TestInfrastructure.UniqueName("search_tests_catalog"),
        });
        Catalog = new CatalogService.CatalogServiceClient(_catalogProcess.Channel);
        Inventory = new InventoryService.InventoryServiceClient(_catalogProcess.Channel);

        var database = await shared.Infrastructure.CreateDatabaseAsync("search_rebuild");
        SearchDatabase = NpgsqlDataSource.Create(database);
        _search = await SearchOnKestrel.StartAsync(database, _kafka.BootstrapServers, shared.Users.DiscoverySetting,
            new Dictionary<string, string> { ["services:catalog:grpc:0"] = _catalogProcess.Address.ToString() });
        Search = new SearchService.SearchServiceClient(_search.Channel);
        Admin = UsersForTests.Bearer(await shared.Users.AdminTokenAsync());
        Customer = UsersForTests.Bearer(await shared.Users.CustomerTokenAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (_search is not null)
        {
            await _search.DisposeAsync();
        }
        if (_catalogProcess is not null)
        {
            await _catalogProcess.DisposeAsync();
        }
        if (SearchDatabase is not null)
        {
            await SearchDatabase.DisposeAsync();
        }
        _kafka.Dispose();
    }
}

public sealed class RebuildTests(CatalogWithSearch shop) : IClassFixture<CatalogWithSearch>
{
    [Fact]
    public async Task The_catalogs_own_events_make_its_products_and_their_stock_searchable()
    {
        var (root, product) = await CreateBootAsync("Ridgeline Hiking Boot", stock: 4);

        // Created out of stock, then stocked: two events on two topics.
        var found = await shop.Search.SearchUntilAsync(new SearchRequest { Query = "ridgeline", CategoryId = root.CategoryId },
            response => response.Hits.Count > 0 && response.Hits[0].InStock);

        var hit = Assert.Single(found.Hits);
        Assert.Equal(product.ProductId, hit.ProductId);
        Assert.True(hit.InStock);
        Assert.Equal(TestCatalog.Eur(89.5m), hit.Price);
    }

    [Fact]
    public async Task Rebuilding_restores_a_lost_index_from_the_catalog_and_drops_what_the_catalog_no_longer_has()
    {
        var (root, boot) = await CreateBootAsync("Summitpass Winter Boot", stock: 0);
        var visible = new SearchRequest { Query = "summitpass", CategoryId = root.CategoryId };
        await shop.Search.SearchUntilAsync(visible, response => response.Hits.Count > 0);
        await ExecuteAsync("""
            INSERT INTO products (product_id, version, name, description, brand, category_id, category_path, image_url, created_at,
                                  attributes, attribute_text, currency_code, price, in_stock)
            SELECT 'ghost-' || product_id, version, 'Summitpass Ghost Boot', description, brand, category_id, category_path, image_url,
                   created_at, attributes, attribute_text, currency_code, price, in_stock
            FROM products WHERE product_id = $1
            """, boot.ProductId);
        await ExecuteAsync("DELETE FROM products WHERE product_id = $1", boot.ProductId);
        var catalogSize = await CountCatalogAsync();

        var rebuilt = await shop.Search.RebuildIndexAsync(new RebuildIndexRequest(), shop.Admin);
        var found = await shop.Search.SearchAsync(visible);

        Assert.Equal(catalogSize, rebuilt.ProductsIndexed);
        var hit = Assert.Single(found.Hits);
        Assert.Equal(boot.ProductId, hit.ProductId);
        Assert.False(hit.InStock);
        Assert.Equal(2, (await shop.Search.SearchAsync(new SearchRequest { CategoryId = root.CategoryId, Facets = { "size" } }))
            .Facets.Single(facet => facet.Name == "size").Values.Count);
    }

    [Fact]
    public async Task Customers_cannot_rebuild_the_index_of_a_real_catalog_either()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => shop.Search.RebuildIndexAsync(new RebuildIndexRequest(), shop.Customer).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    /// <summary>A boot in sizes 42 and 43 at 89.50 EUR, in a sub-category of a new top-level category.</summary>
    private async Task<(Category Root, Product Boot)> CreateBootAsync(string name, long stock)
    {
        var root = (await shop.Catalog.CreateCategoryAsync(new CreateCategoryRequest
        {
            Category = new Category { Name = "Footwear", Slug = "footwear-" + Guid.NewGuid().ToString("N") },
        }, shop.Admin)).Category;
        var boots = (await shop.Catalog.CreateCategoryAsync(new CreateCategoryRequest
        {
            Category = new Category { Name = "Boots", Slug = "boots-" + Guid.NewGuid().ToString("N"), ParentId = root.CategoryId },
        }, shop.Admin)).Category;
        var product = (await shop.Catalog.CreateProductAsync(new CreateProductRequest
        {
            Product = new Product
            {
                Name = name,
                Brand = "Alpenfell",
                Description = "Waterproof leather.",
                CategoryId = boots.CategoryId,
                BasePrice = TestCatalog.Eur(89.5m),
                Options = { new ProductOption { Name = "size", Values = { "42", "43" } } },
            },
        }, shop.Admin)).Product;
        foreach (var variant in product.Variants.Where(_ => stock > 0))
        {
            await shop.Inventory.AdjustStockAsync(new AdjustStockRequest { Sku = variant.Sku, Delta = stock, Reason = "goods received" }, shop.Admin);
        }
        return (root, product);
    }

    private async Task<long> CountCatalogAsync()
    {
        long count = 0;
        var request = new ListProductsRequest { Page = new() { PageSize = 100 } };
        do
        {
            var page = await shop.Catalog.ListProductsAsync(request);
            count += page.Products.Count;
            request.Page.PageToken = page.Page.NextPageToken;
        }
        while (request.Page.PageToken.Length > 0);
        return count;
    }

    private async Task ExecuteAsync(string sql, string parameter)
    {
        await using var command = shop.SearchDatabase.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
