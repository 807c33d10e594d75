namespace ECommerce.Shipping.Quotes;

/// <summary>An option priced for a parcel: what a quote offers.</summary>
internal sealed record PricedOption(ShippingOption Option, decimal Price, DateOnly EstimatedDelivery);

/// <summary>The pricing rules that need no database: items, weight, zone × bracket, delivery dates.</summary>
internal static class QuoteRules
{
    public const int MaxItems = 100;
    public const long MaxQuantity = 1_000;
    public const int MaxIdLength = 100;

    public static ShippingOption OptionOf(string name) => name.ToLowerInvariant() switch
    {
        "standard" => ShippingOption.Standard,
        "express" => ShippingOption.Express,
        "overnight" => ShippingOption.Overnight,
        _ => ShippingOption.Unspecified,
    };

    public static string NameOf(ShippingOption option) => option switch
    {
        ShippingOption.Standard => "standard",
        ShippingOption.Express => "express",
        ShippingOption.Overnight => "overnight",
        _ => throw new ArgumentOutOfRangeException(nameof(option)),
    };

    public static void CheckItems(IReadOnlyList<ShippingItem> items, FieldViolations violations)
    {
        violations.Check(items.Count > 0, "items", "must hold at least one item")
            .Check(items.Count <= MaxItems, "items", $"must hold at most {MaxItems} items");
        for (var i = 0; i < items.Count && i < MaxItems; i++)
        {
            violations.Check(IsSku(items[i].Sku), $"items[{i}].sku", "must be a SKU (1 to 64 letters, digits, '-', '_' or '.')")
                .Check(items[i].Quantity is > 0 and <= MaxQuantity, $"items[{i}].quantity", $"must be 1 to {MaxQuantity:N0}");
        }
    }

    /// <summary>One item per SKU, quantities added up, in SKU order: the same cart always makes the same quote.</summary>
    public static List<ShippingItem> Normalize(IEnumerable<ShippingItem> items) =>
        items.GroupBy(item => item.Sku, StringComparer.Ordinal)
            .Select(group => new ShippingItem { Sku = group.Key, Quantity = group.Sum(item => item.Quantity) })
            .OrderBy(item => item.Sku, StringComparer.Ordinal)
            .ToList();

    /// <summary>The parcel's weight: each item's catalog weight, or the default where the catalog has none.</summary>
    public static long Weight(IEnumerable<ShippingItem> items, IReadOnlyDictionary<string, long> gramsBySku, long defaultGrams) =>
        items.Sum(item => item.Quantity * (gramsBySku.TryGetValue(item.Sku, out var grams) && grams > 0 ? grams : defaultGrams));

    /// <summary>Every option the zone offers for this weight, cheapest first; empty when the parcel is heavier than the table carries.</summary>
    public static List<PricedOption> Price(RateTable table, string zone, long weightGrams, DateTimeOffset now, TimeSpan cutoff)
    {
        var bracket = table.WeightBracketsGrams.FindIndex(limit => weightGrams <= limit);
        if (bracket < 0)
        {
            return [];
        }
        var dispatch = DispatchDay(now, cutoff);
        return table.Zones[zone].Options
            .Select(option => new PricedOption(OptionOf(option.Key), option.Value.Prices[bracket], AddBusinessDays(dispatch, option.Value.TransitDays)))
            .OrderBy(priced => priced.Price).ThenBy(priced => priced.Option)
            .ToList();
    }

    /// <summary>The day the parcel leaves: today if a business day before the cut-off, else the next business day.</summary>
    public static DateOnly DispatchDay(DateTimeOffset now, TimeSpan cutoff)
    {
        var utc = now.UtcDateTime;
        var day = DateOnly.FromDateTime(utc);
        return IsBusinessDay(day) && utc.TimeOfDay < cutoff ? day : AddBusinessDays(day, 1);
    }

    /// <summary>Business days are Monday to Friday; public holidays are not known here.</summary>
    public static DateOnly AddBusinessDays(DateOnly day, int days)
    {
        while (days > 0)
        {
            day = day.AddDays(1);
            if (IsBusinessDay(day))
            {
                days--;
            }
        }
        return day;
    }

    /// <summary>A time as PostgreSQL keeps it (microseconds), so what a call answers is what a later read returns.</summary>
    public static DateTimeOffset Microseconds(DateTimeOffset time) => time.AddTicks(-(time.Ticks % 10));

    private static bool IsBusinessDay(DateOnly day) => day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    private static bool IsSku(string sku) =>
        sku.Length is > 0 and <= 64 && char.IsAsciiLetterOrDigit(sku[0]) && sku.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
