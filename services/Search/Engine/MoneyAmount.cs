using ECommerce.Contracts.Common.V1;

namespace ECommerce.Search.Engine;

/// <summary>Money as an exact decimal amount, the form prices are compared and sorted in.</summary>
internal static class MoneyAmount
{
    private const decimal NanosPerUnit = 1_000_000_000m;

    public static decimal ToDecimal(Money money) => money.Units + money.Nanos / NanosPerUnit;

    public static Money FromDecimal(decimal amount, string currencyCode)
    {
        var units = decimal.Truncate(amount);
        return new Money { CurrencyCode = currencyCode, Units = (long)units, Nanos = (int)((amount - units) * NanosPerUnit) };
    }

    /// <summary>Null when valid, else why not: a non-negative amount in an ISO 4217 currency.</summary>
    public static string? Problem(Money money) =>
        money.CurrencyCode.Length != 3 || !money.CurrencyCode.All(char.IsAsciiLetterUpper) ? "must have a three-letter ISO 4217 currency code"
        : money.Nanos is < 0 or > 999_999_999 || money.Units < 0 ? "must be a non-negative amount with nanos between 0 and 999,999,999"
        : null;
}
