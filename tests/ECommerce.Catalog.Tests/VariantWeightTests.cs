using ECommerce.Catalog.DemoData;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Testing;
using Google.Protobuf.WellKnownTypes;

namespace ECommerce.Catalog.Tests;

/// <summary>Each variant's shipping weight: set at creation, changed by UpdateProduct, read in one BatchGetVariants call (Shipping's quotes).</summary>
public sealed class VariantWeightTests(CatalogTestEnvironment shop)
{
    private CatalogService.CatalogServiceClient Catalog => shop.Catalog.Catalog;

    [Fact]
    public async Task Weights_given_at_creation_are_read_back_and_changed_per_sku_while_zero_keeps_them()
    {
        var product = await NewProductAsync(250, 0);
        var (small, large) = (product.Variants[0].Sku, product.Variants[1].Sku);

        var updated = (await Catalog.UpdateProductAsync(new UpdateProductRequest
        {
            Product = new Product { ProductId = product.ProductId, Etag = product.Etag, Variants = { new Variant { Sku = large, WeightGrams = 900 }, new Variant { Sku = small } } },
            UpdateMask = new FieldMask { Paths = { "variants" } },
        }, shop.Admin)).Product;
        var looked = await Catalog.BatchGetVariantsAsync(new BatchGetVariantsRequest { Skus = { large, small } });

        Assert.Equal([250L, 0L], product.Variants.Select(variant => variant.WeightGrams));
        Assert.Equal([250L, 900L], updated.Variants.Select(variant => variant.WeightGrams));
        Assert.Equal([900L, 250L], looked.Skus.Select(lookup => lookup.Variant.WeightGrams));
    }

    [Fact]
    public async Task A_negative_or_absurd_weight_is_refused_naming_the_variant()
    {
        var category = await shop.NewCategoryAsync();

        await GrpcAssert.InvalidArgumentNamingAsync(() => Catalog.CreateProductAsync(new CreateProductRequest
        {
            Product = new Product
            {
                Name = "Anvil", CategoryId = category.CategoryId, BasePrice = CatalogTestEnvironment.Euros(10),
                Options = { new ProductOption { Name = "size", Values = { "S", "M" } } },
                Variants = { new Variant { Options = { ["size"] = "S" }, WeightGrams = -1 }, new Variant { Options = { ["size"] = "M" }, WeightGrams = 1_000_001 } },
            },
        }, shop.Admin).ResponseAsync, ["product.variants[0].weight_grams", "product.variants[1].weight_grams"]);
    }

    [Fact]
    public void Every_demo_variant_has_a_weight()
    {
        var variants = DemoCatalog.Generate(200).Products.SelectMany(product => product.Product.Variants).ToList();

        Assert.All(variants, variant => Assert.InRange(variant.WeightGrams, 100, 5000));
    }

    private async Task<Product> NewProductAsync(long smallGrams, long largeGrams)
    {
        var category = await shop.NewCategoryAsync();
        return (await Catalog.CreateProductAsync(new CreateProductRequest
        {
            Product = new Product
            {
                Name = "Parcel", CategoryId = category.CategoryId, BasePrice = CatalogTestEnvironment.Euros(10),
                Options = { new ProductOption { Name = "size", Values = { "S", "L" } } },
                Variants = { new Variant { Options = { ["size"] = "S" }, WeightGrams = smallGrams }, new Variant { Options = { ["size"] = "L" }, WeightGrams = largeGrams } },
            },
        }, shop.Admin)).Product;
    }
}
