using System.Diagnostics.Metrics;

namespace ECommerce.Cart.Pricing;

/// <summary>The cart's own instruments (meter "ECommerce.Cart"): catalog calls, so "one call per cart read" can be watched.</summary>
internal sealed class CartMetrics
{
    public const string MeterName = "ECommerce.Cart";

    public CartMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        CatalogCalls = meter.CreateCounter<long>("ecommerce.cart.catalog.calls", unit: "{call}", description: "BatchGetVariants calls to the catalog");
    }

    public Counter<long> CatalogCalls { get; }
}
