namespace ECommerce.Catalog;

/// <summary>The "Catalog" configuration section.</summary>
public sealed class CatalogOptions
{
    /// <summary>Loads the generated demo catalog when the catalog is empty, so a new shop has something to browse.</summary>
    public bool SeedDemoData { get; set; } = true;

    /// <summary>How long reserved stock is held for an order that is never committed.</summary>
    public TimeSpan ReservationTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often expired reservations are looked for and released.</summary>
    public TimeSpan ReservationSweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often sales that started or ended by the clock are looked for and announced.</summary>
    public TimeSpan SaleClockInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>StockLevelLow is announced when a SKU's available stock falls to this or below.</summary>
    public long LowStockThreshold { get; set; } = 5;

    /// <summary>Prefix of every Redis key, so several catalogs (or test runs) can share one Redis.</summary>
    public string CacheKeyPrefix { get; set; } = "catalog";

    /// <summary>Upper bound on how long a cached read lives; changes invalidate entries at once anyway. Zero turns read caching off.</summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromMinutes(10);
}
