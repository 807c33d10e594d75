using ECommerce.Contracts.Catalog.V1;
using Grpc.Core;
using State = ECommerce.Contracts.Catalog.V1.SkuLookup.Types.State;

namespace ECommerce.Catalog.Tests;

/// <summary>BatchGetVariants: many SKUs in one call, each found, unknown or discontinued, in the order asked.</summary>
public sealed class VariantLookupTests(CatalogTestEnvironment shop)
{
    private CatalogService.CatalogServiceClient Catalog => shop.Catalog.Catalog;

    [Fact]
    public async Task Each_sku_comes_back_in_the_order_asked_with_name_options_effective_price_and_stock()
    {
        var product = await shop.NewProductAsync(stock: 7);
        var (small, medium) = (product.Variants[0], product.Variants[1]);
        var unknown = $"NEVER-{Guid.NewGuid():N}"[..30];

        var answer = await Catalog.BatchGetVariantsAsync(new BatchGetVariantsRequest { Skus = { medium.Sku, unknown, small.Sku } });

        Assert.Equal([medium.Sku, unknown, small.Sku], answer.Skus.Select(lookup => lookup.Sku));
        Assert.Equal([State.Found, State.Unknown, State.Found], answer.Skus.Select(lookup => lookup.State));
        var found = answer.Skus[0];
        Assert.Equal((product.ProductId, "Trail runner", "M", 7L), (found.ProductId, found.ProductName, found.Variant.Options["size"], found.Variant.Available));
        Assert.Equal(CatalogTestEnvironment.Euros(12, 750_000_000), found.Variant.EffectivePrice);
    }

    [Fact]
    public async Task A_sku_of_a_deleted_product_is_discontinued_not_unknown()
    {
        var product = await shop.NewProductAsync();
        await Catalog.DeleteProductAsync(new DeleteProductRequest { ProductId = product.ProductId }, shop.Admin);

        var answer = await Catalog.BatchGetVariantsAsync(new BatchGetVariantsRequest { Skus = { product.Variants[0].Sku } });

        Assert.Equal(State.Discontinued, answer.Skus.Single().State);
        Assert.Null(answer.Skus.Single().Variant);
    }

    [Fact]
    public async Task More_than_500_skus_are_refused()
    {
        var request = new BatchGetVariantsRequest { Skus = { Enumerable.Range(0, 501).Select(i => $"SKU-{i}") } };

        var error = await Assert.ThrowsAsync<RpcException>(() => Catalog.BatchGetVariantsAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("skus", error.Status.Detail);
    }
}
