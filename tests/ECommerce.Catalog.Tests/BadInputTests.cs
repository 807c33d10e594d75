using ECommerce.Testing;
using ECommerce.Contracts.Catalog.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using static ECommerce.Catalog.Tests.CatalogTestEnvironment;

namespace ECommerce.Catalog.Tests;

/// <summary>Every RPC answers bad input with INVALID_ARGUMENT naming each wrong field.</summary>
public sealed class BadInputTests(CatalogTestEnvironment shop)
{
    public static TheoryData<string, string[]> Cases => new()
    {
        { "ListCategories", ["parent_id"] },
        { "GetCategory", ["category_id"] },
        { "CreateCategory", ["category.name", "category.slug", "category.parent_id"] },
        { "UpdateCategory", ["category.category_id", "update_mask"] },
        { "DeleteCategory", ["category_id"] },
        { "ListProducts", ["category_id", "page.page_size", "page.page_token"] },
        { "GetProduct", ["product_id"] },
        { "GetVariant", ["sku"] },
        { "BatchGetVariants", ["skus[1]"] },
        { "CreateProduct", ["product.name", "product.category_id", "product.base_price.currency_code", "product.base_price", "product.image_urls"] },
        { "CreateProductVariants", ["product.options[0].values", "product.variants[0].options", "product.variants[1].price.currency_code"] },
        { "UpdateProduct", ["product.product_id", "update_mask", "product.name"] },
        { "DeleteProduct", ["product_id"] },
        { "SetSalePrice", ["sku", "sale.price.nanos", "sale.ends_at"] },
        { "GetStock", ["sku"] },
        { "AdjustStock", ["sku", "delta", "reason"] },
        { "ReserveStock", ["order_id", "lines[0].quantity"] },
        { "ReleaseStock", ["order_id"] },
        { "CommitStock", ["order_id"] },
        { "ReturnStock", ["order_id"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_invalid_argument_with_field_details(string rpc, string[] expectedFields)
    {
        var (catalog, inventory, admin, orders) = (shop.Catalog.Catalog, shop.Catalog.Inventory, shop.Admin, shop.Orders);
        var now = DateTimeOffset.UtcNow;
        Func<Task> call = rpc switch
        {
            "ListCategories" => () => catalog.ListCategoriesAsync(new ListCategoriesRequest { ParentId = "shoes" }).ResponseAsync,
            "GetCategory" => () => catalog.GetCategoryAsync(new GetCategoryRequest { CategoryId = "" }).ResponseAsync,
            "CreateCategory" => () => catalog.CreateCategoryAsync(new CreateCategoryRequest { Category = new Category { Slug = "Running Shoes", ParentId = "top" } }, admin).ResponseAsync,
            "UpdateCategory" => () => catalog.UpdateCategoryAsync(new UpdateCategoryRequest { Category = new Category { CategoryId = "7" } }, admin).ResponseAsync,
            "DeleteCategory" => () => catalog.DeleteCategoryAsync(new DeleteCategoryRequest { CategoryId = "x" }, admin).ResponseAsync,
            "ListProducts" => () => catalog.ListProductsAsync(new ListProductsRequest
            {
                CategoryId = "x", Page = new() { PageSize = 1000, PageToken = "not a token" },
            }).ResponseAsync,
            "GetProduct" => () => catalog.GetProductAsync(new GetProductRequest { ProductId = "42" }).ResponseAsync,
            "GetVariant" => () => catalog.GetVariantAsync(new GetVariantRequest { Sku = "has spaces" }).ResponseAsync,
            "BatchGetVariants" => () => catalog.BatchGetVariantsAsync(new BatchGetVariantsRequest { Skus = { "OK-1", "has spaces" } }).ResponseAsync,
            "CreateProduct" => () => catalog.CreateProductAsync(new CreateProductRequest
            {
                Product = new Product { Name = " ", CategoryId = "shoes", BasePrice = new() { CurrencyCode = "euro", Units = -5 }, ImageUrls = { "ftp://x" } },
            }, admin).ResponseAsync,
            "CreateProductVariants" => () => catalog.CreateProductAsync(new CreateProductRequest
            {
                Product = new Product
                {
                    Name = "Tee", CategoryId = Guid.NewGuid().ToString(), BasePrice = Euros(10),
                    Options = { new ProductOption { Name = "size", Values = { "S", "S" } } },
                    Variants = { new Variant { Options = { ["colour"] = "red" } }, new Variant { Options = { ["size"] = "S" }, Price = new() { CurrencyCode = "USD", Units = 3 } } },
                },
            }, admin).ResponseAsync,
            "UpdateProduct" => () => catalog.UpdateProductAsync(new UpdateProductRequest
            {
                Product = new Product { ProductId = "p", Name = "" }, UpdateMask = new FieldMask { Paths = { "name", "created_at" } },
            }, admin).ResponseAsync,
            "DeleteProduct" => () => catalog.DeleteProductAsync(new DeleteProductRequest(), admin).ResponseAsync,
            "SetSalePrice" => () => catalog.SetSalePriceAsync(new SetSalePriceRequest
            {
                Sku = "",
                Sale = new SalePrice
                {
                    Price = new() { CurrencyCode = "EUR", Nanos = 2_000_000_000 },
                    StartsAt = Timestamp.FromDateTimeOffset(now), EndsAt = Timestamp.FromDateTimeOffset(now.AddHours(-1)),
                },
            }, admin).ResponseAsync,
            "GetStock" => () => inventory.GetStockAsync(new GetStockRequest()).ResponseAsync,
            "AdjustStock" => () => inventory.AdjustStockAsync(new AdjustStockRequest { Sku = "", Delta = 0, Reason = "" }, admin).ResponseAsync,
            "ReserveStock" => () => inventory.ReserveStockAsync(new ReserveStockRequest { Lines = { new StockLine { Sku = "A-1", Quantity = 0 } } }, orders).ResponseAsync,
            "ReleaseStock" => () => inventory.ReleaseStockAsync(new ReleaseStockRequest { OrderId = " " }, orders).ResponseAsync,
            "CommitStock" => () => inventory.CommitStockAsync(new CommitStockRequest { OrderId = new string('x', 101) }, orders).ResponseAsync,
            "ReturnStock" => () => inventory.ReturnStockAsync(new ReturnStockRequest { OrderId = "" }, orders).ResponseAsync,
            _ => throw new ArgumentOutOfRangeException(nameof(rpc)),
        };

        var error = await Assert.ThrowsAsync<RpcException>(call);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var fields = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(violation => violation.Field).Distinct();
        Assert.Equal(expectedFields, fields);
    }

    [Fact]
    public void Every_rpc_has_a_bad_input_case()
    {
        var rpcs = CatalogReflection.Descriptor.Services.SelectMany(service => service.Methods).Select(method => method.Name);
        var covered = Cases.Select(row => row.Data.Item1 == "CreateProductVariants" ? "CreateProduct" : row.Data.Item1);

        Assert.Empty(rpcs.Except(covered));
    }

    [Fact]
    public async Task Control_characters_in_text_are_invalid_argument_naming_each_field()
    {
        var (catalog, inventory, admin, orders) = (shop.Catalog.Catalog, shop.Catalog.Inventory, shop.Admin, shop.Orders);

        await GrpcAssert.InvalidArgumentNamingAsync(() => catalog.CreateCategoryAsync(new CreateCategoryRequest
        {
            Category = new Category { Name = "Sh\u0000oes", Slug = UniqueSlug("shoes") },
        }, admin).ResponseAsync, ["category.name"]);
        await GrpcAssert.InvalidArgumentNamingAsync(() => catalog.CreateProductAsync(new CreateProductRequest
        {
            Product = new Product
            {
                Name = "Tee\u0000", CategoryId = Guid.NewGuid().ToString(), BasePrice = Euros(10), Description = "Soft.\u0000",
                Options = { new ProductOption { Name = "si\u0007ze", Values = { "S", "M\u0000" } } },
            },
        }, admin).ResponseAsync, ["product.name", "product.description", "product.options[0].name", "product.options[0].values[1]"]);
        await GrpcAssert.InvalidArgumentNamingAsync(() => inventory.AdjustStockAsync(new AdjustStockRequest { Sku = "A-1", Delta = 1, Reason = "goods\u0000" }, admin).ResponseAsync,
            ["reason"]);
        await GrpcAssert.InvalidArgumentNamingAsync(() => inventory.ReserveStockAsync(new ReserveStockRequest
        {
            OrderId = "order\u0000", Lines = { new StockLine { Sku = "A-1", Quantity = 1 } },
        }, orders).ResponseAsync, ["order_id"]);
    }

    [Fact]
    public async Task A_description_may_span_lines_and_hold_tabs()
    {
        var category = await shop.NewCategoryAsync();

        var created = await shop.Catalog.Catalog.CreateProductAsync(new CreateProductRequest
        {
            Product = new Product { Name = "Tee", CategoryId = category.CategoryId, BasePrice = Euros(10), Description = "Soft.\r\n\tWashes at 40°." },
        }, shop.Admin);

        Assert.Equal("Soft.\r\n\tWashes at 40°.", created.Product.Description);
    }

    [Theory]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    [InlineData(-1_000_000_001)]
    public async Task An_adjustment_beyond_the_bounds_is_invalid_argument_even_at_the_ends_of_int64(long delta)
    {
        await GrpcAssert.InvalidArgumentNamingAsync(() => shop.Catalog.Inventory.AdjustStockAsync(
            new AdjustStockRequest { Sku = "A-1", Delta = delta, Reason = "goods received" }, shop.Admin).ResponseAsync, ["delta"]);
    }
}
