using MoneyMessage = ECommerce.Contracts.Common.V1.Money;

namespace ECommerce.Catalog.Pricing;

/// <summary>
/// Money as the contract carries it (units + nanos) and as the database stores it (numeric with
/// nine decimals): decimal holds both exactly, so an amount round-trips without rounding.
/// </summary>
internal static class Prices
{
    public static decimal ToDecimal(MoneyMessage money) => money.ToDecimal();

    public static MoneyMessage ToMoney(string currencyCode, decimal amount) => MoneyMessage.FromDecimal(currencyCode, amount);

    /// <summary>Checks a price: an ISO 4217 code, nanos in range, and not negative.</summary>
    public static void Check(MoneyMessage? price, string field, FieldViolations violations, string? requiredCurrency = null)
    {
        if (price is null)
        {
            violations.Add(field, "is required");
            return;
        }
        violations
            .Check(MoneyMessage.IsCurrencyCode(price.CurrencyCode), $"{field}.currency_code", "must be an ISO 4217 code such as \"EUR\"")
            .Check(price.HasValidNanos, $"{field}.nanos", "must be between -999,999,999 and 999,999,999")
            .Check(!price.IsNegative, field, "must not be negative");
        if (requiredCurrency is not null && MoneyMessage.IsCurrencyCode(price.CurrencyCode))
        {
            violations.Check(price.CurrencyCode == requiredCurrency, $"{field}.currency_code", $"must be the product's currency, {requiredCurrency}");
        }
    }

    /// <summary>The sale price while the sale runs (from its start, inclusive, to its end, exclusive), else the regular price.</summary>
    public static MoneyMessage EffectivePrice(MoneyMessage regular, SalePrice? sale, DateTimeOffset now) =>
        IsRunning(sale, now) ? sale!.Price : regular;

    public static bool IsRunning(SalePrice? sale, DateTimeOffset now) =>
        sale?.Price is not null && sale.StartsAt is not null && sale.EndsAt is not null
        && sale.StartsAt.ToDateTimeOffset() <= now && now < sale.EndsAt.ToDateTimeOffset();

    /// <summary>The time to the microsecond, as PostgreSQL stores it, so what a write returns is what a read returns.</summary>
    public static DateTimeOffset StoredNow(this TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }

    /// <summary>Fills every variant's effective price for the moment of the read.</summary>
    public static Product WithEffectivePrices(Product product, DateTimeOffset now)
    {
        foreach (var variant in product.Variants)
        {
            variant.EffectivePrice = EffectivePrice(variant.Price, variant.Sale, now);
        }
        return product;
    }
}
