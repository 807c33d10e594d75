using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Payment.V1;
using ECommerce.Testing;

namespace ECommerce.Payment.Tests;

/// <summary>
/// A Payment service as its own process over its own database, the sandbox provider as its own process, and the
/// helpers the tests and the benchmark share.
/// </summary>
public sealed class PaymentShop : IAsyncDisposable
{
    public const string ApprovedCard = "4242424242424242";

    /// <summary>Every documented test card, for the log check.</summary>
    public static readonly string[] TestCardNumbers =
        ["4242424242424242", "5555555555554444", "4000000000009995", "4000000000009979", "4000000000000069", "4000000000000127", "4000000000000119", "4000000000000077", "4000000000000101"];

    private PaymentShop(ServiceProcess payment, SandboxProcess sandbox, string database, string webhookSecret)
    {
        Process = payment;
        Sandbox = sandbox;
        DatabaseConnectionString = database;
        WebhookSecret = webhookSecret;
        Client = new PaymentService.PaymentServiceClient(payment.Channel);
    }

    public ServiceProcess Process { get; }
    public SandboxProcess Sandbox { get; }
    public PaymentService.PaymentServiceClient Client { get; }
    public string DatabaseConnectionString { get; }
    public string WebhookSecret { get; }

    /// <param name="settings">More of the Payment service's environment, e.g. <c>Payment__ReconciliationInterval</c>.</param>
    /// <param name="providerLatencyMs">Added by the sandbox to every answer (the benchmark's 0 and 50 ms).</param>
    public static async Task<PaymentShop> StartAsync(TestInfrastructure infrastructure, UsersForTests users, IReadOnlyDictionary<string, string>? settings = null,
        int providerLatencyMs = 0)
    {
        var (apiKey, webhookSecret) = (SandboxProcess.NewSecret(), SandboxProcess.NewSecret());
        var sandboxAddress = SandboxProcess.NewAddress();
        var database = await infrastructure.CreateDatabaseAsync("payment");
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__payment"] = database,
            ["ConnectionStrings__kafka"] = infrastructure.Kafka.BootstrapServers,
            ["Kafka__SessionTimeoutMs"] = LocalInfrastructure.Kafka.KafkaDevCluster.DevelopmentSessionTimeoutMs.ToString(),
            [users.DiscoveryVariable.Key] = users.DiscoveryVariable.Value,
            ["Payment__Provider__BaseAddress"] = sandboxAddress.ToString(),
            ["Payment__Provider__ApiKey"] = apiKey,
            ["Payment__Provider__WebhookSecret"] = webhookSecret,
            // Shorter than the slow test card's answer (3 s), so that card exercises the lookup after a timeout.
            ["Payment__Provider__Timeout"] = "00:00:01",
            // Everything the service logs about payments, so the card-number check reads all of it.
            ["Logging__LogLevel__ECommerce"] = "Debug",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Information",
            ["Logging__LogLevel__System.Net.Http"] = "Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        // The service does not call the provider while starting, so it can start first and tell the sandbox where webhooks go.
        var payment = await ServiceProcess.StartAsync("Payment", environment);
        var sandbox = await SandboxProcess.StartAsync(sandboxAddress, apiKey, webhookSecret, new Uri(payment.Address, "/webhooks/payment-provider"),
            latencyMs: providerLatencyMs);
        return new PaymentShop(payment, sandbox, database, webhookSecret);
    }

    public static Money Euros(long units, int nanos = 0) => new() { CurrencyCode = "EUR", Units = units, Nanos = nanos };

    public static string NewKey() => $"order-{Guid.NewGuid():N}/authorize";

    public async Task<AuthorizeRequest> AuthorizationRequestAsync(string userId, string card = ApprovedCard, Money? amount = null) => new()
    {
        IdempotencyKey = NewKey(),
        OrderId = $"order-{Guid.NewGuid():N}",
        UserId = userId,
        Amount = amount ?? Euros(100),
        PaymentMethodToken = await Sandbox.TokeniseAsync(card),
    };

    public Task<T> QueryAsync<T>(string sql, params object[] parameters) => Sql.ScalarAsync<T>(DatabaseConnectionString, sql, parameters);

    /// <summary>The token's subject (the user id), read from its payload.</summary>
    public static string SubjectOf(string accessToken) =>
        System.Text.Json.JsonDocument.Parse(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(accessToken.Split('.')[1])).RootElement.GetProperty("sub").GetString()!;

    public async ValueTask DisposeAsync()
    {
        await Sandbox.DisposeAsync();
        await Process.DisposeAsync();
    }
}
