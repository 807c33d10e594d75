using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Events.V1;
using Google.Protobuf.WellKnownTypes;
using static ECommerce.Catalog.Tests.CatalogTestEnvironment;

namespace ECommerce.Catalog.Tests;

public sealed class PricingTests(CatalogTestEnvironment shop)
{
    [Fact]
    public async Task A_running_sale_is_the_effective_price_of_every_read_and_is_announced()
    {
        var product = await shop.NewProductAsync();
        var sku = product.Variants[0].Sku;
        await shop.Catalog.Catalog.GetProductAsync(new GetProductRequest { ProductId = product.ProductId }); // now cached

        var set = await shop.Catalog.Catalog.SetSalePriceAsync(new SetSalePriceRequest
        {
            Sku = sku,
            Sale = new SalePrice
            {
                Price = Euros(9, 990_000_000),
                StartsAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
                EndsAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1)),
            },
        }, shop.Admin);
        var read = (await shop.Catalog.Catalog.GetProductAsync(new GetProductRequest { ProductId = product.ProductId })).Product;

        Assert.Equal(Euros(9, 990_000_000), set.Variant.EffectivePrice);
        Assert.Equal(Euros(9, 990_000_000), read.Variants.Single(variant => variant.Sku == sku).EffectivePrice);
        Assert.Equal(Euros(12, 750_000_000), read.Variants.Single(variant => variant.Sku == sku).Price);
        Assert.Equal(Euros(12, 750_000_000), read.Variants.Single(variant => variant.Sku != sku).EffectivePrice);
        var changed = shop.ReadEvent("catalog.products", product.ProductId, PriceChanged.Parser);
        Assert.Equal((Euros(12, 750_000_000), Euros(9, 990_000_000)), (changed.OldPrice, changed.NewPrice));
        Assert.NotNull(changed.SaleEndsAt);
    }

    [Fact]
    public async Task A_sale_that_has_not_started_or_was_ended_leaves_the_regular_price()
    {
        var product = await shop.NewProductAsync();
        var sku = product.Variants[0].Sku;
        var tomorrow = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()).AddDays(1);
        var future = new SalePrice { Price = Euros(5), StartsAt = Timestamp.FromDateTimeOffset(tomorrow), EndsAt = Timestamp.FromDateTimeOffset(tomorrow.AddDays(1)) };

        var scheduled = await shop.Catalog.Catalog.SetSalePriceAsync(new SetSalePriceRequest { Sku = sku, Sale = future }, shop.Admin);
        var ended = await shop.Catalog.Catalog.SetSalePriceAsync(new SetSalePriceRequest { Sku = sku }, shop.Admin);

        Assert.Equal(Euros(12, 750_000_000), scheduled.Variant.EffectivePrice);
        Assert.Equal(future, scheduled.Variant.Sale);
        Assert.Null(ended.Variant.Sale);
    }

    [Fact]
    public async Task Changing_a_variants_regular_price_announces_PriceChanged()
    {
        var product = await shop.NewProductAsync();
        var sku = product.Variants[1].Sku;

        await shop.Catalog.Catalog.UpdateProductAsync(new UpdateProductRequest
        {
            Product = new Product { ProductId = product.ProductId, Variants = { new Variant { Sku = sku, Price = Euros(14) } } },
            UpdateMask = new FieldMask { Paths = { "variants" } },
        }, shop.Admin);

        var changed = shop.ReadEvent("catalog.products", product.ProductId, PriceChanged.Parser);
        Assert.Equal(sku, changed.Sku);
        Assert.Equal(Euros(14), changed.NewPrice);
        Assert.Equal(Euros(14), (await shop.Catalog.Catalog.GetVariantAsync(new GetVariantRequest { Sku = sku })).Variant.EffectivePrice);
    }
}
