using ECommerce.Contracts.Shipping.V1;
using ECommerce.Testing;

namespace ECommerce.Shipping.Tests;

/// <summary>
/// A Shipping service as its own process over its own database, calling a real Catalog, with the sandbox carrier as its
/// own process reporting to it by webhook: what the tests and the benchmark share.
/// </summary>
public sealed class ShippingShop : IAsyncDisposable
{
    private readonly string _carrierApiKey;

    private ShippingShop(ServiceProcess shipping, CarrierProcess carrier, string database, string webhookSecret, string carrierApiKey)
    {
        Process = shipping;
        Carrier = carrier;
        DatabaseConnectionString = database;
        WebhookSecret = webhookSecret;
        _carrierApiKey = carrierApiKey;
        Client = new ShippingService.ShippingServiceClient(shipping.Channel);
    }

    public ServiceProcess Process { get; }
    public CarrierProcess Carrier { get; private set; }
    public ShippingService.ShippingServiceClient Client { get; }
    public string DatabaseConnectionString { get; }
    public string WebhookSecret { get; }

    /// <param name="catalog">The catalog's gRPC address.</param>
    /// <param name="settings">More of the Shipping service's environment, e.g. <c>Shipping__QuoteLifetime</c>.</param>
    public static async Task<ShippingShop> StartAsync(TestInfrastructure infrastructure, UsersForTests users, Uri catalog,
        IReadOnlyDictionary<string, string>? settings = null, int carrierLatencyMs = 0)
    {
        var (apiKey, webhookSecret) = (CarrierProcess.NewSecret(), CarrierProcess.NewSecret());
        var carrierAddress = CarrierProcess.NewAddress();
        var database = await infrastructure.CreateDatabaseAsync("shipping");
        var environment = new Dictionary<string, string>
        {
            // As the AppHost runs it: from its project folder, so it reads its appsettings.json (the rate table).
            ["ASPNETCORE_CONTENTROOT"] = Path.Combine(RepositoryRoot.Path, "services", "Shipping"),
            ["ConnectionStrings__shipping"] = database,
            ["ConnectionStrings__kafka"] = infrastructure.Kafka.BootstrapServers,
            ["Kafka__SessionTimeoutMs"] = LocalInfrastructure.Kafka.KafkaDevCluster.DevelopmentSessionTimeoutMs.ToString(),
            [users.DiscoveryVariable.Key] = users.DiscoveryVariable.Value,
            ["services__catalog__grpc__0"] = catalog.ToString(),
            ["Shipping__Carrier__BaseAddress"] = carrierAddress.ToString(),
            ["Shipping__Carrier__ApiKey"] = apiKey,
            ["Shipping__Carrier__WebhookSecret"] = webhookSecret,
            ["Logging__LogLevel__ECommerce"] = "Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        // The service does not call the carrier while starting, so it can start first and tell the carrier where webhooks go.
        var shipping = await ServiceProcess.StartAsync("Shipping", environment);
        var carrier = await CarrierProcess.StartAsync(carrierAddress, apiKey, webhookSecret, new Uri(shipping.Address, "/webhooks/carrier"), latencyMs: carrierLatencyMs);
        return new ShippingShop(shipping, carrier, database, webhookSecret, apiKey);
    }

    /// <summary>The carrier goes down (its process stopped); <see cref="StartCarrierAsync"/> brings a new one up at the same address.</summary>
    public ValueTask StopCarrierAsync() => Carrier.DisposeAsync();

    /// <summary>A new carrier process at the address Shipping knows, with the same secrets (its parcels of before are gone).</summary>
    public async Task StartCarrierAsync() =>
        Carrier = await CarrierProcess.StartAsync(Carrier.Address, _carrierApiKey, WebhookSecret, new Uri(Process.Address, "/webhooks/carrier"));

    public Task<T> QueryAsync<T>(string sql, params object[] parameters) => Sql.ScalarAsync<T>(DatabaseConnectionString, sql, parameters);

    public async ValueTask DisposeAsync()
    {
        await Carrier.DisposeAsync();
        await Process.DisposeAsync();
    }
}
