using System.Globalization;

namespace ECommerce.Load;

/// <summary>What one arrival does; each is one shopper's step through the REST edge.</summary>
internal enum Route
{
    /// <summary>Lists a category's products (GET /v1/products?categoryId=…).</summary>
    Browse,

    /// <summary>A search query (GET /v1/search?query=…).</summary>
    Search,

    /// <summary>One product (GET /v1/products/{id}).</summary>
    Product,

    /// <summary>Adds a cart line, changes its quantity, removes it, reads the cart (a signed-in shopper).</summary>
    Cart,

    /// <summary>Adds to the cart, gets the shipping quote, places the order (a signed-in shopper with a card on file).</summary>
    Checkout,
}

internal enum ArrivalSchedule
{
    /// <summary>Random, exponentially distributed gaps: independent shoppers.</summary>
    Poisson,

    /// <summary>Equal gaps of 1/rate.</summary>
    Fixed,
}

/// <summary>The relative weight of each route, e.g. browse=10,search=5,product=5,cart=3,checkout=1.</summary>
internal sealed class TrafficMix
{
    public static readonly string[] RouteNames = [.. Enum.GetValues<Route>().Select(Name)];

    public static readonly TrafficMix Default = new(new Dictionary<Route, double>
    {
        [Route.Browse] = 10, [Route.Search] = 5, [Route.Product] = 5, [Route.Cart] = 3, [Route.Checkout] = 1,
    });

    /// <summary>
    /// The chaos run's mix: heavy on checkouts, so that kills and outages land in the middle of many sagas, with enough
    /// reads to see the rest of the shop serve meanwhile.
    /// </summary>
    public static readonly TrafficMix Chaos = new(new Dictionary<Route, double>
    {
        [Route.Browse] = 4, [Route.Search] = 2, [Route.Product] = 3, [Route.Cart] = 2, [Route.Checkout] = 4,
    });

    private readonly (Route Route, double UpTo)[] _cumulative;

    private TrafficMix(IReadOnlyDictionary<Route, double> weights)
    {
        Weights = weights;
        var total = weights.Values.Sum();
        var sum = 0.0;
        _cumulative = [.. weights.Where(entry => entry.Value > 0).Select(entry => (entry.Key, sum += entry.Value / total))];
    }

    public IReadOnlyDictionary<Route, double> Weights { get; }

    public IEnumerable<Route> Routes => Weights.Where(entry => entry.Value > 0).Select(entry => entry.Key);

    /// <summary>The share of all arrivals that go to <paramref name="route"/>.</summary>
    public double Share(Route route) => Weights.GetValueOrDefault(route) / Weights.Values.Sum();

    public Route Pick(Random random)
    {
        var draw = random.NextDouble();
        foreach (var (route, upTo) in _cumulative)
        {
            if (draw < upTo)
            {
                return route;
            }
        }
        return _cumulative[^1].Route;
    }

    public static string Name(Route route) => route.ToString().ToLowerInvariant();

    public override string ToString() => string.Join(',', Weights.Where(entry => entry.Value > 0).Select(entry => $"{Name(entry.Key)}={entry.Value:0.##}"));

    public static bool TryParse(string text, out TrafficMix mix, out string error)
    {
        mix = Default;
        var weights = new Dictionary<Route, double>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=');
            if (pair.Length != 2 || !Enum.TryParse<Route>(pair[0], ignoreCase: true, out var route) || !RouteNames.Contains(pair[0].ToLowerInvariant()) ||
                !double.TryParse(pair[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) || weight < 0)
            {
                error = $"--mix: '{part}' is not route=weight with a route among {string.Join(", ", RouteNames)} and a weight ≥ 0.";
                return false;
            }
            weights[route] = weight;
        }
        if (weights.Values.Sum() <= 0)
        {
            error = "--mix: at least one route needs a weight above 0.";
            return false;
        }
        mix = new TrafficMix(weights);
        error = "";
        return true;
    }
}
