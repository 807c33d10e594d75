using System.Diagnostics;
using ECommerce.Catalog.DemoData;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Common.V1;

namespace ECommerce.Catalog.Tests;

public sealed class DemoDataTests(CatalogTestEnvironment shop)
{
    [Fact]
    public async Task A_new_shop_opens_with_over_a_thousand_products_to_browse_with_variants_and_stock()
    {
        var stopwatch = Stopwatch.StartNew();
        await using var catalog = await shop.StartCatalogAsync(new Dictionary<string, string> { ["Catalog:SeedDemoData"] = "true" });
        var startup = stopwatch.Elapsed;

        var categories = (await catalog.Catalog.ListCategoriesAsync(new ListCategoriesRequest())).Categories;
        var topLevel = categories.Where(category => category.ParentId.Length == 0).ToList();
        var page = await catalog.Catalog.ListProductsAsync(new ListProductsRequest { CategoryId = topLevel[0].CategoryId, Page = new PageRequest { PageSize = 100 } });
        var productCount = await catalog.QueryAsync<long>("SELECT count(*) FROM products");
        var variantCount = await catalog.QueryAsync<long>("SELECT count(*) FROM variants");
        var announced = await catalog.QueryAsync<long>("SELECT count(*) FROM outbox_events WHERE event_type = 'ecommerce.events.v1.ProductCreated'");

        Assert.InRange(productCount, 1000, 10_000);
        Assert.InRange(variantCount, productCount * 2, productCount * 20);
        Assert.Equal(productCount, announced);
        Assert.True(topLevel.Count >= 5 && categories.Count > topLevel.Count * 3, $"{topLevel.Count} top-level of {categories.Count} categories");
        Assert.Equal(100, page.Products.Count);
        Assert.All(page.Products, product => Assert.NotEmpty(product.Variants));
        Assert.Contains(page.Products.SelectMany(product => product.Variants), variant => variant.Available > 0);
        Assert.True(startup < TimeSpan.FromSeconds(30), $"starting with the demo catalog took {startup.TotalSeconds:N1} s");
    }

    [Fact]
    public void The_demo_catalog_is_the_same_on_every_run()
    {
        var first = DemoCatalog.Generate(50);
        var second = DemoCatalog.Generate(50);

        Assert.Equal(first.Categories, second.Categories);
        Assert.Equal(first.Products.Select(product => product.Product), second.Products.Select(product => product.Product));
    }
}
