using ECommerce.Contracts.Catalog.V1;
using Google.Protobuf.WellKnownTypes;
using StackExchange.Redis;

namespace ECommerce.Catalog.Tests;

public sealed class CachingTests(CatalogTestEnvironment shop)
{
    [Fact]
    public async Task A_read_product_is_served_from_redis()
    {
        var product = await shop.NewProductAsync();

        await shop.Catalog.Catalog.GetProductAsync(new GetProductRequest { ProductId = product.ProductId });

        await using var redis = await ConnectionMultiplexer.ConnectAsync(await shop.Infrastructure.RedisConnectionStringAsync());
        Assert.True(await redis.GetDatabase().KeyExistsAsync($"{shop.Catalog.CachePrefix}:product:{Guid.Parse(product.ProductId):N}"));
    }

    [Fact]
    public async Task Available_stock_is_never_served_stale_after_a_reservation_a_release_or_a_restock()
    {
        var product = await shop.NewProductAsync(stock: 10);
        var sku = product.Variants[0].Sku;
        var orderId = InventoryTests.NewOrderId();
        async Task<long> AvailableAsync() =>
            (await shop.Catalog.Catalog.GetProductAsync(new GetProductRequest { ProductId = product.ProductId })).Product.Variants.Single(v => v.Sku == sku).Available;

        var before = await AvailableAsync();
        await shop.Catalog.Inventory.ReserveStockAsync(new ReserveStockRequest { OrderId = orderId, Lines = { new StockLine { Sku = sku, Quantity = 4 } } }, shop.Orders);
        var afterReserving = await AvailableAsync();
        await shop.Catalog.Inventory.ReleaseStockAsync(new ReleaseStockRequest { OrderId = orderId }, shop.Orders);
        var afterReleasing = await AvailableAsync();
        await shop.Catalog.Inventory.AdjustStockAsync(new AdjustStockRequest { Sku = sku, Delta = 5, Reason = "restock" }, shop.Admin);
        var afterRestocking = (await shop.Catalog.Catalog.GetVariantAsync(new GetVariantRequest { Sku = sku })).Variant.Available;

        Assert.Equal([10L, 6L, 10L, 15L], [before, afterReserving, afterReleasing, afterRestocking]);
    }

    [Fact]
    public async Task Changes_to_products_and_categories_show_at_once_on_cached_reads()
    {
        var category = await shop.NewCategoryAsync("Kitchen");
        var product = await shop.NewProductAsync(categoryId: category.CategoryId);
        await shop.Catalog.Catalog.GetProductAsync(new GetProductRequest { ProductId = product.ProductId });
        await shop.Catalog.Catalog.ListCategoriesAsync(new ListCategoriesRequest());

        await shop.Catalog.Catalog.UpdateProductAsync(new UpdateProductRequest
        {
            Product = new Product { ProductId = product.ProductId, Description = "Now dishwasher safe." },
            UpdateMask = new FieldMask { Paths = { "description" } },
        }, shop.Admin);
        await shop.Catalog.Catalog.UpdateCategoryAsync(new UpdateCategoryRequest
        {
            Category = new Category { CategoryId = category.CategoryId, Name = "Kitchen & dining" },
            UpdateMask = new FieldMask { Paths = { "name" } },
        }, shop.Admin);

        Assert.Equal("Now dishwasher safe.", (await shop.Catalog.Catalog.GetProductAsync(new GetProductRequest { ProductId = product.ProductId })).Product.Description);
        Assert.Contains((await shop.Catalog.Catalog.ListCategoriesAsync(new ListCategoriesRequest())).Categories, c => c.CategoryId == category.CategoryId && c.Name == "Kitchen & dining");
    }
}
