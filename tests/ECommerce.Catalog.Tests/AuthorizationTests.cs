using ECommerce.Contracts.Catalog.V1;
using Google.Protobuf.WellKnownTypes;
using ECommerce.Testing;
using Grpc.Core;
using static ECommerce.Catalog.Tests.CatalogTestEnvironment;

namespace ECommerce.Catalog.Tests;

/// <summary>Only admins change the catalog or adjust stock; only a service with the inventory scope reserves; anyone reads.</summary>
public sealed class AuthorizationTests(CatalogTestEnvironment shop)
{
    [Fact]
    public async Task Anonymous_callers_and_customers_cannot_change_the_catalog_or_stock()
    {
        var product = await shop.NewProductAsync(stock: 5);
        var sku = product.Variants[0].Sku;
        var orderId = InventoryTests.NewOrderId();
        await shop.Catalog.Inventory.ReserveStockAsync(new ReserveStockRequest { OrderId = orderId, Lines = { new StockLine { Sku = sku, Quantity = 1 } } }, shop.Orders);
        var catalog = shop.Catalog.Catalog;
        var inventory = shop.Catalog.Inventory;
        var mutations = new Dictionary<string, Func<Metadata?, Task>>
        {
            ["CreateCategory"] = as_ => catalog.CreateCategoryAsync(new CreateCategoryRequest { Category = new Category { Name = "X", Slug = UniqueSlug("x") } }, as_).ResponseAsync,
            ["UpdateCategory"] = as_ => catalog.UpdateCategoryAsync(new UpdateCategoryRequest
            {
                Category = new Category { CategoryId = product.CategoryId, Name = "Hacked" }, UpdateMask = new FieldMask { Paths = { "name" } },
            }, as_).ResponseAsync,
            ["DeleteCategory"] = as_ => catalog.DeleteCategoryAsync(new DeleteCategoryRequest { CategoryId = product.CategoryId }, as_).ResponseAsync,
            ["CreateProduct"] = as_ => catalog.CreateProductAsync(new CreateProductRequest
            {
                Product = new Product { Name = "X", CategoryId = product.CategoryId, BasePrice = Euros(1) },
            }, as_).ResponseAsync,
            ["UpdateProduct"] = as_ => catalog.UpdateProductAsync(new UpdateProductRequest
            {
                Product = new Product { ProductId = product.ProductId, Name = "Hacked" }, UpdateMask = new FieldMask { Paths = { "name" } },
            }, as_).ResponseAsync,
            ["DeleteProduct"] = as_ => catalog.DeleteProductAsync(new DeleteProductRequest { ProductId = product.ProductId }, as_).ResponseAsync,
            ["SetSalePrice"] = as_ => catalog.SetSalePriceAsync(new SetSalePriceRequest { Sku = sku }, as_).ResponseAsync,
            ["AdjustStock"] = as_ => inventory.AdjustStockAsync(new AdjustStockRequest { Sku = sku, Delta = 100, Reason = "free stock" }, as_).ResponseAsync,
            ["ReserveStock"] = as_ => inventory.ReserveStockAsync(new ReserveStockRequest
            {
                OrderId = InventoryTests.NewOrderId(), Lines = { new StockLine { Sku = sku, Quantity = 4 } },
            }, as_).ResponseAsync,
            ["ReleaseStock"] = as_ => inventory.ReleaseStockAsync(new ReleaseStockRequest { OrderId = orderId }, as_).ResponseAsync,
            ["CommitStock"] = as_ => inventory.CommitStockAsync(new CommitStockRequest { OrderId = orderId }, as_).ResponseAsync,
            ["ReturnStock"] = as_ => inventory.ReturnStockAsync(new ReturnStockRequest { OrderId = orderId }, as_).ResponseAsync,
        };

        foreach (var (rpc, call) in mutations)
        {
            var anonymous = await Assert.ThrowsAsync<RpcException>(() => call(null));
            var customer = await Assert.ThrowsAsync<RpcException>(() => call(shop.Customer));
            Assert.True(anonymous.StatusCode == StatusCode.Unauthenticated, $"{rpc} without a token answered {anonymous.StatusCode}");
            Assert.True(customer.StatusCode == StatusCode.PermissionDenied, $"{rpc} with a customer's token answered {customer.StatusCode}");
        }

        var unchanged = (await catalog.GetProductAsync(new GetProductRequest { ProductId = product.ProductId })).Product;
        var stock = (await inventory.GetStockAsync(new GetStockRequest { Sku = sku })).Stock;
        Assert.Equal(("Trail runner", 5L, 1L), (unchanged.Name, stock.OnHand, stock.Reserved));
        Assert.Null(unchanged.Variants[0].Sale);
        var methods = CatalogReflection.Descriptor.Services.SelectMany(service => service.Methods).Select(method => method.Name);
        Assert.Equal(methods.Where(name => !IsRead(name)).Order(), mutations.Keys.Order());
    }

    [Fact]
    public async Task Reserving_releasing_committing_and_returning_stock_need_a_service_token_with_the_inventory_scope()
    {
        var sku = (await shop.NewProductAsync(stock: 5)).Variants[0].Sku;
        var inventory = shop.Catalog.Inventory;
        var shipping = UsersForTests.Bearer(await shop.Users.ServiceTokenAsync("shipping"));
        Task Reserve(Metadata? as_) => inventory.ReserveStockAsync(new ReserveStockRequest
        {
            OrderId = InventoryTests.NewOrderId(), Lines = { new StockLine { Sku = sku, Quantity = 1 } },
        }, as_).ResponseAsync;
        var orderId = InventoryTests.NewOrderId();

        var admin = await Assert.ThrowsAsync<RpcException>(() => Reserve(shop.Admin));
        var withoutScope = await Assert.ThrowsAsync<RpcException>(() => Reserve(shipping));
        await inventory.ReserveStockAsync(new ReserveStockRequest { OrderId = orderId, Lines = { new StockLine { Sku = sku, Quantity = 2 } } }, shop.Orders);
        var adminRelease = await Assert.ThrowsAsync<RpcException>(() => inventory.ReleaseStockAsync(new ReleaseStockRequest { OrderId = orderId }, shop.Admin).ResponseAsync);
        await inventory.CommitStockAsync(new CommitStockRequest { OrderId = orderId }, shop.Orders);
        var adminReturn = await Assert.ThrowsAsync<RpcException>(() => inventory.ReturnStockAsync(new ReturnStockRequest { OrderId = orderId }, shop.Admin).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, admin.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, adminReturn.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, withoutScope.StatusCode);
        Assert.Contains("'inventory' scope", withoutScope.Status.Detail);
        Assert.Equal(StatusCode.PermissionDenied, adminRelease.StatusCode);
        var stock = (await inventory.GetStockAsync(new GetStockRequest { Sku = sku })).Stock;
        Assert.Equal((3L, 0L), (stock.OnHand, stock.Reserved));
    }

    [Fact]
    public async Task Anyone_may_read_without_signing_in()
    {
        var product = await shop.NewProductAsync(stock: 2);

        var read = await shop.Catalog.Catalog.GetProductAsync(new GetProductRequest { ProductId = product.ProductId });
        var variant = await shop.Catalog.Catalog.GetVariantAsync(new GetVariantRequest { Sku = product.Variants[0].Sku });
        var listed = await shop.Catalog.Catalog.ListProductsAsync(new ListProductsRequest { CategoryId = product.CategoryId });
        var category = await shop.Catalog.Catalog.GetCategoryAsync(new GetCategoryRequest { CategoryId = product.CategoryId });
        var categories = await shop.Catalog.Catalog.ListCategoriesAsync(new ListCategoriesRequest());
        var stock = await shop.Catalog.Inventory.GetStockAsync(new GetStockRequest { Sku = product.Variants[0].Sku });

        Assert.Equal(product.ProductId, read.Product.ProductId);
        Assert.Equal(2, variant.Variant.Available);
        Assert.Single(listed.Products);
        Assert.Equal(product.CategoryId, category.Category.CategoryId);
        Assert.Contains(categories.Categories, c => c.CategoryId == product.CategoryId);
        Assert.Equal(2, stock.Stock.Available);
    }

    private static bool IsRead(string rpc) => rpc.StartsWith("Get", StringComparison.Ordinal) || rpc.StartsWith("List", StringComparison.Ordinal)
        || rpc.StartsWith("BatchGet", StringComparison.Ordinal);
}
