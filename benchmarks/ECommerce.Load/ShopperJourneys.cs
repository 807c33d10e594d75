using System.Diagnostics;
using ECommerce.Orders.Benchmarks;

namespace ECommerce.Load;

/// <summary>A checkout answered, but the order is not paid (e.g. ORDER_STATUS_FAILED): an error of its own kind.</summary>
internal sealed class NotPaidException(string status) : Exception($"not paid: {status}")
{
    public string Status { get; } = status;
}

/// <summary>No signed-in shopper was free for a cart or checkout arrival: the run needs more (--shoppers).</summary>
internal sealed class NoIdleShopperException() : Exception("no idle shopper");

/// <summary>What each route's arrival does through the REST edge, as the storefront and the end-to-end journeys do it.</summary>
internal sealed class ShopperJourneys(SeededShop seeded, EdgeLanes lanes)
{
    /// <summary>How long a shopper may wait for Cart to empty their cart after an order before they are retired.</summary>
    private static readonly TimeSpan CartEmptiesWithin = TimeSpan.FromSeconds(60);

    private int _cartsAwaitingEmpty;

    /// <summary>Untimed cart reads made waiting for Cart to empty a cart after an order (housekeeping, not part of the mix).</summary>
    public int HousekeepingReads => _housekeepingReads;

    private int _housekeepingReads;

    /// <summary>Runs one arrival; returns normally when it succeeded, throws what went wrong otherwise.</summary>
    public async Task RunAsync(Route route)
    {
        using var lane = lanes.Rent();
        var random = Random.Shared;
        var product = seeded.Products[random.Next(seeded.Products.Count)];
        switch (route)
        {
            case Route.Browse:
                var category = seeded.CategoryIds[random.Next(seeded.CategoryIds.Count)];
                await Storefront.SendAsync(lane.Client, HttpMethod.Get, $"/v1/products?categoryId={category}&page.pageSize=20", null, null);
                break;
            case Route.Search:
                var word = SeededShop.SearchWords[random.Next(SeededShop.SearchWords.Length)];
                await Storefront.SendAsync(lane.Client, HttpMethod.Get, $"/v1/search?query={word}&facets=brand&page.pageSize=10", null, null);
                break;
            case Route.Product:
                await Storefront.SendAsync(lane.Client, HttpMethod.Get, $"/v1/products/{product.ProductId}", null, null);
                break;
            case Route.Cart:
                await CartAsync(lane, product.Sku);
                break;
            case Route.Checkout:
                await CheckoutAsync(lane, product.Sku);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(route), route, null);
        }
    }

    /// <summary>Waits for the background cart reads after the last orders, so that the next step starts without them.</summary>
    public async Task SettleAsync()
    {
        var clock = Stopwatch.StartNew();
        while (Volatile.Read(ref _cartsAwaitingEmpty) > 0 && clock.Elapsed < CartEmptiesWithin)
        {
            await Task.Delay(100);
        }
    }

    /// <summary>Add a line, change its quantity, remove it, read the cart: the cart ends as it began (empty).</summary>
    private async Task CartAsync(EdgeLanes.Lane lane, string sku)
    {
        var shopper = seeded.TakeShopper() ?? throw new NoIdleShopperException();
        try
        {
            await Storefront.SendAsync(lane.Client, HttpMethod.Post, "/v1/carts/me/items", new { sku, quantity = 1 }, shopper);
            await Storefront.SendAsync(lane.Client, HttpMethod.Patch, $"/v1/carts/me/items/{sku}", new { quantity = 2 }, shopper);
            await Storefront.SendAsync(lane.Client, HttpMethod.Delete, $"/v1/carts/me/items/{sku}", null, shopper);
            await Storefront.SendAsync(lane.Client, HttpMethod.Get, "/v1/carts/me", null, shopper);
        }
        catch
        {
            // The cart may keep the line: this shopper would disturb later checkouts.
            seeded.RetireShopper();
            throw;
        }
        seeded.ReturnShopper(shopper);
    }

    /// <summary>Add one unit, get the standard shipping quote, place the order: as the checkout benchmark does.</summary>
    private async Task CheckoutAsync(EdgeLanes.Lane lane, string sku)
    {
        var shopper = seeded.TakeShopper() ?? throw new NoIdleShopperException();
        string status;
        try
        {
            await Storefront.AddToCartAsync(lane.Client, shopper, sku);
            var quote = await Storefront.QuoteAsync(lane.Client, shopper, sku);
            (_, status) = await Storefront.PlaceOrderAsync(lane.Client, shopper, quote);
        }
        catch
        {
            seeded.RetireShopper();
            throw;
        }
        if (status != "ORDER_STATUS_FULFILLING")
        {
            seeded.RetireShopper();
            throw new NotPaidException(status);
        }
        // Cart empties the cart when it sees OrderConfirmed; until then the shopper cannot buy again (the old line would be
        // ordered too). Waited for in the background, untimed, so the arrival's latency is the checkout's alone.
        Interlocked.Increment(ref _cartsAwaitingEmpty);
        _ = Task.Run(async () =>
        {
            try
            {
                await ReturnOnceCartIsEmptyAsync(shopper);
            }
            finally
            {
                Interlocked.Decrement(ref _cartsAwaitingEmpty);
            }
        });
    }

    private async Task ReturnOnceCartIsEmptyAsync(Buyer shopper)
    {
        using var untimed = RequestTimings.Untimed();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < CartEmptiesWithin)
        {
            try
            {
                bool empty;
                using (var lane = lanes.Rent())
                {
                    Interlocked.Increment(ref _housekeepingReads);
                    empty = await Storefront.CartIsEmptyAsync(lane.Client, shopper);
                }
                if (empty)
                {
                    seeded.ReturnShopper(shopper);
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // A slow or failing edge: ask again, until the deadline.
            }
            await Task.Delay(250);
        }
        seeded.RetireShopper();
    }
}
