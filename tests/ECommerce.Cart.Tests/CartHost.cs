using ECommerce.Contracts.Cart.V1;
using ECommerce.Testing;

namespace ECommerce.Cart.Tests;

/// <summary>
/// The real Cart service on Kestrel (cleartext HTTP/2 on 127.0.0.1) with its own database (for the
/// order-event consumer), its own Redis key prefix and orders topic, calling the real catalog.
/// </summary>
public sealed class CartHost : IAsyncDisposable
{
    private readonly ServiceOnKestrel<CartOptions> _service;

    private CartHost(ServiceOnKestrel<CartOptions> service, string keyPrefix, string ordersTopic)
    {
        _service = service;
        KeyPrefix = keyPrefix;
        OrdersTopic = ordersTopic;
        Client = new CartService.CartServiceClient(service.Channel);
    }

    public CartService.CartServiceClient Client { get; }
    public string KeyPrefix { get; }
    public string OrdersTopic { get; }
    public IServiceProvider Services => _service.Services;
    public Uri Address => _service.Address;

    /// <param name="settings">Overrides, e.g. <c>Cart:MaxLines</c>, or the same <c>Cart:KeyPrefix</c> as another host to share its carts.</param>
    public static async Task<CartHost> StartAsync(CartTestEnvironment environment, IDictionary<string, string>? settings = null, string? redis = null)
    {
        var infrastructure = environment.Infrastructure;
        var all = new Dictionary<string, string>
        {
            ["ConnectionStrings:cart"] = await infrastructure.CreateDatabaseAsync("cart"),
            ["ConnectionStrings:redis"] = redis ?? await infrastructure.RedisConnectionStringAsync(),
            ["services:catalog:grpc:0"] = environment.CatalogAddress.ToString(),
            ["Cart:KeyPrefix"] = TestInfrastructure.UniqueName("cart") + ":",
            ["Cart:OrdersTopic"] = infrastructure.CreateTopic("orders", partitions: 2),
        };
        foreach (var (key, value) in infrastructure.KafkaSettings().Append(environment.Users.DiscoverySetting).Concat(settings ?? new Dictionary<string, string>()))
        {
            all[key] = value;
        }
        return new CartHost(ServiceOnKestrel<CartOptions>.Start(all), all["Cart:KeyPrefix"], all["Cart:OrdersTopic"]);
    }

    public ValueTask DisposeAsync() => _service.DisposeAsync();
}
