using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Events.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using static ECommerce.Catalog.Tests.CatalogTestEnvironment;

namespace ECommerce.Catalog.Tests;

public sealed class ProductTests(CatalogTestEnvironment shop)
{
    private CatalogService.CatalogServiceClient Catalog => shop.Catalog.Catalog;

    [Fact]
    public async Task A_created_product_has_one_sku_per_combination_and_reads_back_exactly()
    {
        var category = await shop.NewCategoryAsync();
        var created = (await Catalog.CreateProductAsync(new CreateProductRequest
        {
            Product = new Product
            {
                Name = "Merino tee",
                Brand = "Northwind",
                Description = "Soft.",
                CategoryId = category.CategoryId,
                BasePrice = Euros(29, 990_000_000),
                Options =
                {
                    new ProductOption { Name = "size", Values = { "S", "M", "L" } },
                    new ProductOption { Name = "colour", Values = { "black", "white" } },
                },
                ImageUrls = { "https://images.shop.example/tee.jpg" },
            },
        }, shop.Admin)).Product;

        var read = (await Catalog.GetProductAsync(new GetProductRequest { ProductId = created.ProductId })).Product;

        Assert.Equal(6, read.Variants.Count);
        Assert.Equal(6, read.Variants.Select(variant => variant.Sku).Distinct().Count());
        Assert.All(read.Variants, variant => Assert.Equal(Euros(29, 990_000_000), variant.Price));
        Assert.All(read.Variants, variant => Assert.Equal(Euros(29, 990_000_000), variant.EffectivePrice));
        Assert.Equal(created, read);
        var variant = await Catalog.GetVariantAsync(new GetVariantRequest { Sku = read.Variants[3].Sku });
        Assert.Equal(read.Variants[3], variant.Variant);
        Assert.Equal(created.ProductId, variant.Product.ProductId);
    }

    [Fact]
    public async Task Products_created_at_the_same_moment_all_get_skus_of_their_own()
    {
        var category = await shop.NewCategoryAsync();

        // Many at once: product ids are UUIDv7, whose first digits are the millisecond they were made in.
        var products = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => shop.NewProductAsync(categoryId: category.CategoryId)));

        var skus = products.SelectMany(product => product.Variants.Select(variant => variant.Sku)).ToList();
        Assert.Equal(80, skus.Distinct().Count());
    }

    [Fact]
    public async Task Creating_announces_ProductCreated_with_the_category_path_and_version_1()
    {
        var parent = await shop.NewCategoryAsync("Clothing");
        var child = await shop.NewCategoryAsync("Hoodies", parent.CategoryId);

        var product = await shop.NewProductAsync(categoryId: child.CategoryId);

        var created = shop.ReadEvent("catalog.products", product.ProductId, ProductCreated.Parser);
        Assert.Equal([parent.CategoryId, child.CategoryId], created.Product.CategoryPath);
        Assert.Equal(1, created.Product.Version);
        Assert.Equal(product.Variants.Select(variant => variant.Sku), created.Product.Variants.Select(variant => variant.Sku));
    }

    [Fact]
    public async Task A_sku_belongs_to_one_product_only()
    {
        var category = await shop.NewCategoryAsync();
        var request = new CreateProductRequest
        {
            Product = new Product
            {
                Name = "Mug", CategoryId = category.CategoryId, BasePrice = Euros(8),
                Variants = { new Variant { Sku = $"MUG-{Guid.NewGuid():N}" } },
            },
        };
        await Catalog.CreateProductAsync(request, shop.Admin);

        var error = await Assert.ThrowsAsync<RpcException>(() => Catalog.CreateProductAsync(request, shop.Admin).ResponseAsync);

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
    }

    [Fact]
    public async Task Listing_a_category_includes_its_sub_categories_newest_first_page_by_page()
    {
        var parent = await shop.NewCategoryAsync("Sports");
        var child = await shop.NewCategoryAsync("Yoga", parent.CategoryId);
        var other = await shop.NewCategoryAsync("Garden");
        var inParent = await shop.NewProductAsync(categoryId: parent.CategoryId);
        var inChild = await shop.NewProductAsync(categoryId: child.CategoryId);
        await shop.NewProductAsync(categoryId: other.CategoryId);

        var first = await Catalog.ListProductsAsync(new ListProductsRequest { CategoryId = parent.CategoryId, Page = new PageRequest { PageSize = 1 } });
        var second = await Catalog.ListProductsAsync(new ListProductsRequest
        {
            CategoryId = parent.CategoryId, Page = new PageRequest { PageSize = 1, PageToken = first.Page.NextPageToken },
        });

        Assert.Equal(inChild.ProductId, Assert.Single(first.Products).ProductId);
        Assert.Equal(inParent.ProductId, Assert.Single(second.Products).ProductId);
        Assert.Empty(second.Page.NextPageToken);
        // Every page tells how many there are in all: the parent's product and its sub-category's, not Garden's.
        Assert.Equal((2, 2), (first.Page.TotalSize, second.Page.TotalSize));
    }

    [Fact]
    public async Task An_update_changes_only_the_masked_fields_bumps_the_version_and_announces_it()
    {
        var product = await shop.NewProductAsync();

        var updated = (await Catalog.UpdateProductAsync(new UpdateProductRequest
        {
            Product = new Product { ProductId = product.ProductId, Name = "Trail runner 2", Brand = "ignored", Etag = product.Etag },
            UpdateMask = new FieldMask { Paths = { "name" } },
        }, shop.Admin)).Product;

        Assert.Equal("Trail runner 2", updated.Name);
        Assert.Equal("Stride", updated.Brand);
        Assert.Equal("2", updated.Etag);
        var announced = shop.ReadEvent("catalog.products", product.ProductId, ProductUpdated.Parser);
        Assert.Equal(2, announced.Product.Version);
        Assert.Equal("Trail runner 2", announced.Product.Name);
    }

    [Fact]
    public async Task An_update_based_on_a_stale_read_is_aborted()
    {
        var product = await shop.NewProductAsync();
        var mask = new FieldMask { Paths = { "name" } };
        await Catalog.UpdateProductAsync(new UpdateProductRequest { Product = new Product { ProductId = product.ProductId, Name = "First", Etag = product.Etag }, UpdateMask = mask }, shop.Admin);

        var error = await Assert.ThrowsAsync<RpcException>(() => Catalog.UpdateProductAsync(new UpdateProductRequest
        {
            Product = new Product { ProductId = product.ProductId, Name = "Second", Etag = product.Etag }, UpdateMask = mask,
        }, shop.Admin).ResponseAsync);

        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Equal("First", (await Catalog.GetProductAsync(new GetProductRequest { ProductId = product.ProductId })).Product.Name);
    }

    [Fact]
    public async Task A_deleted_product_is_gone_and_announced_with_a_newer_version()
    {
        var product = await shop.NewProductAsync();
        await Catalog.GetProductAsync(new GetProductRequest { ProductId = product.ProductId }); // now cached

        await Catalog.DeleteProductAsync(new DeleteProductRequest { ProductId = product.ProductId }, shop.Admin);

        var error = await Assert.ThrowsAsync<RpcException>(() => Catalog.GetProductAsync(new GetProductRequest { ProductId = product.ProductId }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        var variantError = await Assert.ThrowsAsync<RpcException>(() => Catalog.GetVariantAsync(new GetVariantRequest { Sku = product.Variants[0].Sku }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, variantError.StatusCode);
        Assert.Equal(2, shop.ReadEvent("catalog.products", product.ProductId, ProductDeleted.Parser).Version);
    }

    [Fact]
    public async Task Categories_form_a_tree_and_a_category_in_use_cannot_be_deleted()
    {
        var parent = await shop.NewCategoryAsync("Home");
        var child = await shop.NewCategoryAsync("Lighting", parent.CategoryId);

        var children = await Catalog.ListCategoriesAsync(new ListCategoriesRequest { ParentId = parent.CategoryId });
        var error = await Assert.ThrowsAsync<RpcException>(() => Catalog.DeleteCategoryAsync(new DeleteCategoryRequest { CategoryId = parent.CategoryId }, shop.Admin).ResponseAsync);
        await Catalog.DeleteCategoryAsync(new DeleteCategoryRequest { CategoryId = child.CategoryId }, shop.Admin);
        var afterDelete = await Catalog.ListCategoriesAsync(new ListCategoriesRequest { ParentId = parent.CategoryId });

        Assert.Equal(child.CategoryId, Assert.Single(children.Categories).CategoryId);
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Empty(afterDelete.Categories);
    }
}
