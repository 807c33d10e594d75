using ECommerce.Catalog.Pricing;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Grpc;
using Grpc.Core;
using Google.Protobuf.WellKnownTypes;
using static ECommerce.Catalog.Tests.CatalogTestEnvironment;

namespace ECommerce.Catalog.Tests;

public sealed class PricingRuleTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(12, 750_000_000)]
    [InlineData(0, 1)]
    [InlineData(9_223_372_036, 999_999_999)]
    [InlineData(0, 0)]
    public void Money_round_trips_exactly_through_the_stored_decimal(long units, int nanos)
    {
        var money = Euros(units, nanos);

        Assert.Equal(money, Prices.ToMoney("EUR", Prices.ToDecimal(money)));
    }

    [Fact]
    public void A_sale_applies_from_its_start_inclusive_to_its_end_exclusive()
    {
        var regular = Euros(20);
        var sale = new SalePrice { Price = Euros(15), StartsAt = Timestamp.FromDateTimeOffset(Noon), EndsAt = Timestamp.FromDateTimeOffset(Noon.AddHours(1)) };

        Assert.Equal(regular, Prices.EffectivePrice(regular, sale, Noon.AddTicks(-10)));
        Assert.Equal(Euros(15), Prices.EffectivePrice(regular, sale, Noon));
        Assert.Equal(Euros(15), Prices.EffectivePrice(regular, sale, Noon.AddMinutes(59)));
        Assert.Equal(regular, Prices.EffectivePrice(regular, sale, Noon.AddHours(1)));
        Assert.Equal(regular, Prices.EffectivePrice(regular, null, Noon));
    }

    [Fact]
    public void Negative_prices_bad_currencies_and_out_of_range_nanos_are_refused()
    {
        var violations = new FieldViolations();

        Prices.Check(new() { CurrencyCode = "eur", Units = -1, Nanos = 1_000_000_000 }, "price", violations);

        var fields = violations.ToException().GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Select(v => v.Field);
        Assert.Equal(["price.currency_code", "price.nanos", "price"], fields);
    }

    [Fact]
    public void A_price_in_another_currency_than_the_products_is_refused()
    {
        var violations = new FieldViolations();

        Prices.Check(new() { CurrencyCode = "USD", Units = 5 }, "variants[0].price", violations, requiredCurrency: "EUR");

        Assert.False(violations.IsEmpty);
    }
}
