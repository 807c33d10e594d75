using ECommerce.Hosting.Benchmarks;
using ECommerce.Orders.Benchmarks;
using ECommerce.Testing;

namespace ECommerce.Load;

/// <summary>
/// The shop as the traffic commands need it: the real AppHost started in one mode, an admin signed in, the payment
/// provider's client, a seeded catalog with signed-in shoppers, and their journeys through the REST edge.
/// </summary>
internal sealed class LoadSession : IAsyncDisposable
{
    private readonly EdgeClients _clients;

    private LoadSession(RunningShop shop, HttpClient provider, SeededShop seeded, EdgeClients clients, RequestTimings timings)
    {
        Timings = timings;
        Shop = shop;
        Provider = provider;
        Seeded = seeded;
        _clients = clients;
        Journeys = new ShopperJourneys(seeded, new EdgeLanes(clients));
    }

    public RunningShop Shop { get; }
    /// <summary>The payment sandbox's API, whose records the invariants read.</summary>
    public HttpClient Provider { get; }
    public SeededShop Seeded { get; }
    public ShopperJourneys Journeys { get; }
    /// <summary>Each request of the journeys, timed.</summary>
    public RequestTimings Timings { get; }

    /// <param name="requestTimeout">How long one request through the edge may take before it counts as timed out.</param>
    public static async Task<LoadSession> StartAsync(string mode, int shoppers, TimeSpan requestTimeout)
    {
        Report.Log($"{mode}: starting the AppHost");
        var shop = await RunningShop.StartAsync(mode, CancellationToken.None);
        HttpClient? provider = null;
        try
        {
            var admin = UsersForTests.Bearer((await UsersForTests.SignInAdminAsync(shop.Users)).Tokens.AccessToken);
            provider = await shop.PaymentProviderAsync();
            var seeded = await SeededShop.CreateAsync(shop, admin, provider, shoppers, Report.Log);
            var timings = new RequestTimings();
            return new LoadSession(shop, provider, seeded, new EdgeClients(shop.Gateway, requestTimeout, timings.Wrap), timings);
        }
        catch
        {
            provider?.Dispose();
            await shop.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _clients.Dispose();
        Provider.Dispose();
        await Shop.DisposeAsync();
    }
}
