namespace ECommerce.Shipping.Quotes;

/// <summary>
/// The zone x weight rate table (<c>Shipping:Rates</c> in appsettings.json): countries grouped into zones, weight
/// brackets, and for each zone the options it offers with a price per bracket and the business days in transit.
/// </summary>
internal sealed class RateTable
{
    /// <summary>ISO 4217: every price of the table is in it.</summary>
    public string Currency { get; set; } = "";

    /// <summary>Upper bounds of the weight brackets in grams, ascending; the last is the heaviest parcel carried.</summary>
    public List<long> WeightBracketsGrams { get; set; } = [];

    public Dictionary<string, ZoneRates> Zones { get; set; } = [];

    public long MaxWeightGrams => WeightBracketsGrams.Count > 0 ? WeightBracketsGrams[^1] : 0;

    /// <summary>The zone serving <paramref name="countryCode"/>, or null when it is not shipped to.</summary>
    public string? ZoneOf(string countryCode) =>
        Zones.FirstOrDefault(zone => zone.Value.Countries.Contains(countryCode, StringComparer.Ordinal)).Key;

    public IEnumerable<string> Countries => Zones.Values.SelectMany(zone => zone.Countries).Order(StringComparer.Ordinal);

    /// <summary>Fails the start on a table that cannot price: better than a wrong price at checkout.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (!Money.IsCurrencyCode(Currency))
        {
            problems.Add($"Currency '{Currency}' is not an ISO 4217 code");
        }
        if (WeightBracketsGrams.Count == 0 || WeightBracketsGrams[0] <= 0 || WeightBracketsGrams.Zip(WeightBracketsGrams.Skip(1)).Any(pair => pair.First >= pair.Second))
        {
            problems.Add("WeightBracketsGrams must be positive and ascending");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, zone) in Zones)
        {
            problems.AddRange(zone.Countries.Where(country => !seen.Add(country)).Select(country => $"{country} is in more than one zone"));
            problems.AddRange(zone.Countries.Where(country => !AddressRules.IsCountryCode(country)).Select(country => $"zone {name}: {country} is not ISO 3166-1 alpha-2"));
            if (zone.Options.Count == 0)
            {
                problems.Add($"zone {name} offers no option");
            }
            foreach (var (option, rates) in zone.Options)
            {
                if (QuoteRules.OptionOf(option) == ShippingOption.Unspecified)
                {
                    problems.Add($"zone {name}: option '{option}' is not standard, express or overnight");
                }
                if (rates.Prices.Count != WeightBracketsGrams.Count || rates.Prices.Any(price => price < 0))
                {
                    problems.Add($"zone {name}, {option}: one price (not negative) per weight bracket is needed");
                }
                if (rates.TransitDays is < 0 or > 60)
                {
                    problems.Add($"zone {name}, {option}: TransitDays must be 0 to 60");
                }
            }
        }
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"Shipping:Rates is not a usable rate table: {string.Join("; ", problems)}.");
        }
    }
}

internal sealed class ZoneRates
{
    public List<string> Countries { get; set; } = [];

    /// <summary>Keyed by "standard", "express", "overnight"; a zone may leave an option out.</summary>
    public Dictionary<string, OptionRates> Options { get; set; } = [];
}

internal sealed class OptionRates
{
    /// <summary>Business days from dispatch to delivery.</summary>
    public int TransitDays { get; set; }

    /// <summary>One price per weight bracket, in the table's currency.</summary>
    public List<decimal> Prices { get; set; } = [];
}
