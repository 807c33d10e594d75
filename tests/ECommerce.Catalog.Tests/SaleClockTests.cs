using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Events.V1;
using Google.Protobuf.WellKnownTypes;
using static ECommerce.Catalog.Tests.CatalogTestEnvironment;

namespace ECommerce.Catalog.Tests;

/// <summary>A catalog of its own that checks for starting and ending sales every 200 ms.</summary>
public sealed class SaleClockTests(CatalogTestEnvironment shop) : IAsyncLifetime
{
    private CatalogServiceHost _catalog = null!;

    public async ValueTask InitializeAsync() =>
        _catalog = await shop.StartCatalogAsync(new Dictionary<string, string> { ["Catalog:SaleClockInterval"] = "00:00:00.200" });

    public ValueTask DisposeAsync() => _catalog.DisposeAsync();

    [Fact]
    public async Task A_sale_starting_and_ending_by_the_clock_is_announced_both_times()
    {
        var product = await shop.NewProductAsync(catalog: _catalog);
        var sku = product.Variants[0].Sku;
        var startsAt = DateTimeOffset.UtcNow.AddSeconds(1);

        await _catalog.Catalog.SetSalePriceAsync(new SetSalePriceRequest
        {
            Sku = sku,
            Sale = new SalePrice { Price = Euros(7), StartsAt = Timestamp.FromDateTimeOffset(startsAt), EndsAt = Timestamp.FromDateTimeOffset(startsAt.AddSeconds(2)) },
        }, shop.Admin);

        var started = shop.ReadEvent("catalog.products", product.ProductId, PriceChanged.Parser, changed => changed.NewPrice.Equals(Euros(7)));
        var ended = shop.ReadEvent("catalog.products", product.ProductId, PriceChanged.Parser, changed => changed.OldPrice.Equals(Euros(7)));
        var latest = shop.ReadEvent("catalog.products", product.ProductId, ProductUpdated.Parser, updated => updated.Product.Version == 4);
        Assert.Equal((Euros(12, 750_000_000), sku), (started.OldPrice, started.Sku));
        Assert.NotNull(started.SaleEndsAt);
        Assert.Equal(Euros(12, 750_000_000), ended.NewPrice);
        Assert.Equal(Euros(12, 750_000_000), latest.Product.Variants.Single(variant => variant.Sku == sku).EffectivePrice);
    }
}
