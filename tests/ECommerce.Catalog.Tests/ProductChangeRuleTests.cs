using ECommerce.Catalog.Events;
using ECommerce.Catalog.Products;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Grpc;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using static ECommerce.Catalog.Tests.CatalogTestEnvironment;

namespace ECommerce.Catalog.Tests;

/// <summary>The pure rules behind UpdateProduct and every PriceChanged, without a database or a server.</summary>
public sealed class ProductChangeRuleTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Only_the_fields_in_the_mask_change_and_variants_keep_their_skus()
    {
        var current = Shirt();
        var changes = new Product { Name = "  Linen shirt ", Brand = "Ignored", Variants = { new Variant { Sku = "SHIRT-M", Price = Euros(30) } } };
        var violations = new FieldViolations();

        var updated = ProductRules.ApplyChanges(current, changes, ["name", "variants"], violations);

        Assert.True(violations.IsEmpty);
        Assert.Equal(("Linen shirt", "Acme"), (updated.Name, updated.Brand));
        Assert.Equal([Euros(25), Euros(30)], updated.Variants.Select(variant => variant.Price));
        Assert.Equal("Shirt", current.Name);
    }

    [Fact]
    public void A_change_of_currency_or_an_unknown_sku_is_refused()
    {
        var changes = new Product
        {
            BasePrice = new() { CurrencyCode = "USD", Units = 20 },
            Variants = { new Variant { Sku = "SHIRT-XL", Price = Euros(30) }, new Variant { Sku = "SHIRT-S", Price = new() { CurrencyCode = "USD", Units = 9 } } },
        };
        var violations = new FieldViolations();

        ProductRules.ApplyChanges(Shirt(), changes, ["base_price", "variants"], violations);

        var fields = violations.ToException().GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Select(v => v.Field);
        Assert.Equal(["product.base_price.currency_code", "product.variants[0].sku", "product.variants[1].price.currency_code"], fields);
    }

    [Fact]
    public void A_price_change_announces_the_effective_price_after_and_when_a_running_sale_ends()
    {
        var onSale = new Variant
        {
            Sku = "SHIRT-S",
            Price = Euros(25),
            Sale = new SalePrice { Price = Euros(19), StartsAt = Timestamp.FromDateTimeOffset(Noon), EndsAt = Timestamp.FromDateTimeOffset(Noon.AddDays(1)) },
        };

        var started = CatalogEvents.PriceChanged("p-1", Euros(25), onSale, Noon);
        var ended = CatalogEvents.PriceChanged("p-1", Euros(19), onSale, Noon.AddDays(1));

        Assert.Equal(("SHIRT-S", Euros(25), Euros(19), onSale.Sale.EndsAt), (started.Sku, started.OldPrice, started.NewPrice, started.SaleEndsAt));
        Assert.Equal((Euros(19), Euros(25), (Timestamp?)null), (ended.OldPrice, ended.NewPrice, ended.SaleEndsAt));
    }

    private static Product Shirt() => new()
    {
        ProductId = Guid.CreateVersion7().ToString(),
        Name = "Shirt",
        Brand = "Acme",
        BasePrice = Euros(25),
        Variants = { new Variant { Sku = "SHIRT-S", Price = Euros(25) }, new Variant { Sku = "SHIRT-M", Price = Euros(25) } },
    };
}
