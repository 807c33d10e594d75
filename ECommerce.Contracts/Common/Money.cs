namespace ECommerce.Contracts.Common.V1;

/// <summary>
/// Money as the contract carries it (units + nanos) and as an exact decimal, the form it is stored,
/// compared and sorted in: decimal holds units + nanos / 10⁹ exactly, so an amount round-trips without rounding.
/// </summary>
public sealed partial class Money
{
    private const decimal NanosPerUnit = 1_000_000_000m;

    public decimal ToDecimal() => Units + Nanos / NanosPerUnit;

    public static Money FromDecimal(string currencyCode, decimal amount)
    {
        var units = decimal.Truncate(amount);
        return new Money { CurrencyCode = currencyCode, Units = (long)units, Nanos = (int)((amount - units) * NanosPerUnit) };
    }

    /// <summary>An ISO 4217 code's shape: three upper-case ASCII letters, such as "EUR".</summary>
    public static bool IsCurrencyCode(string code) => code.Length == 3 && code.All(char.IsAsciiLetterUpper);

    /// <summary>Nanos within ±999,999,999, as the contract requires.</summary>
    public bool HasValidNanos => Nanos is > -1_000_000_000 and < 1_000_000_000;

    public bool IsNegative => Units < 0 || Nanos < 0;
}
