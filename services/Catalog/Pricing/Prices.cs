using System.Text.RegularExpressions;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Grpc;
using MoneyMessage = ECommerce.Contracts.Common.V1.Money;

namespace ECommerce.Catalog.Pricing;

/// <summary>
/// Money as the contract carries it (units + nanos) and as the database stores it (numeric with
/// nine decimals): decimal holds both exactly, so an amount round-trips without rounding.
/// </summary>
internal static partial class Prices
{
    private const decimal NanosPerUnit = 1_000_000_000m;

    public static decimal ToDecimal(MoneyMessage money) => money.Units + money.Nanos / NanosPerUnit;

    public static MoneyMessage ToMoney(string currencyCode, decimal amount)
    {
        var units = decimal.Truncate(amount);
        return new MoneyMessage { CurrencyCode = currencyCode, Units = (long)units, Nanos = (int)((amount - units) * NanosPerUnit) };
    }

    /// <summary>Checks a price: an ISO 4217 code, nanos in range, and not negative.</summary>
    public static void Check(MoneyMessage? price, string field, FieldViolations violations, string? requiredCurrency = null)
    {
        if (price is null)
        {
            violations.Add(field, "is required");
            return;
        }
        violations
            .Check(CurrencyCode().IsMatch(price.CurrencyCode), $"{field}.currency_code", "must be an ISO 4217 code such as \"EUR\"")
            .Check(price.Nanos is > -1_000_000_000 and < 1_000_000_000, $"{field}.nanos", "must be between -999,999,999 and 999,999,999")
            .Check(price.Units >= 0 && price.Nanos >= 0, field, "must not be negative");
        if (requiredCurrency is not null && CurrencyCode().IsMatch(price.CurrencyCode))
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

    /// <summary>Fills every variant's effective price for the moment of the read.</summary>
    public static Product WithEffectivePrices(Product product, DateTimeOffset now)
    {
        foreach (var variant in product.Variants)
        {
            variant.EffectivePrice = EffectivePrice(variant.Price, variant.Sale, now);
        }
        return product;
    }

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();
}
