namespace ECommerce.Shipping;

/// <summary>Settings of the service (<c>Shipping:…</c>); the rate table is <c>Shipping:Rates</c>, the carrier's settings <c>Shipping:Carrier</c>.</summary>
internal sealed class ShippingOptions
{
    /// <summary>How long a quote may be booked after it was made.</summary>
    public TimeSpan QuoteLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long after delivery a return label may be asked for.</summary>
    public TimeSpan ReturnWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>What a variant the catalog has no weight for is priced at, in grams.</summary>
    public long DefaultItemWeightGrams { get; set; } = 500;

    /// <summary>Parcels handed over before this time of day (UTC) on a business day leave that day; later ones the next business day.</summary>
    public TimeSpan DispatchCutoffUtc { get; set; } = TimeSpan.FromHours(14);

    public RateTable Rates { get; set; } = new();
}
