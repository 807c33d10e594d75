using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using ECommerce.Contracts.Users.V1;
using ECommerce.Testing;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ECommerce.Orders.Benchmarks;

/// <summary>
/// The real AppHost in one mode, started as tests/ECommerce.EndToEnd.Tests starts it (Aspire.Hosting.Testing), with its data in
/// a temporary directory as a kept run has it (PostgreSQL with fsync on: the durability production has, and pgbench measures
/// the same server). Users knows <see cref="UsersForTests.AdminEmail"/> as an administrator, which the AppHost itself never sets.
/// </summary>
internal sealed class RunningShop : IAsyncDisposable
{
    /// <summary>The service databases whose transactions a checkout may cost.</summary>
    public static readonly string[] Databases = ["users", "catalog", "search", "cart", "payment", "shipping", "orders", "logging"];

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    private readonly DistributedApplication _app;
    private readonly string _dataDirectory;
    private GrpcChannel? _users;
    private GrpcChannel? _catalog;

    private RunningShop(string mode, DistributedApplication app, string dataDirectory)
    {
        Mode = mode;
        _app = app;
        _dataDirectory = dataDirectory;
    }

    public string Mode { get; }
    public Uri Gateway { get; private set; } = null!;
    public UsersService.UsersServiceClient Users => new(_users!);
    public Contracts.Catalog.V1.CatalogService.CatalogServiceClient Catalog => new(_catalog!);
    public Contracts.Catalog.V1.InventoryService.InventoryServiceClient Inventory => new(_catalog!);
    public string PostgresConnectionString { get; private set; } = "";

    /// <summary>The Kafka cluster's bootstrap servers (the mock brokers inside the AppHost, which here is this process).</summary>
    public string KafkaConnectionString { get; private set; } = "";

    public static async Task<RunningShop> StartAsync(string mode, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"ecommerce-bench-orders-{mode}-{Guid.NewGuid():N}");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ECommerce_AppHost>(
            ["--mode", mode, "--AppHost:DataDirectory", dataDirectory], cancellationToken);
        // The AppHost's own log (every resource's console) would bury the figures; the resources' logs stay in their services.
        // Its restart policy's warnings (a process died, when it is started again) are kept, on stderr with the progress.
        builder.Services.AddLogging(logging => logging.ClearProviders()
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(LogLevel.None)
            .AddFilter("ECommerce.AppHost.Services", LogLevel.Warning));
        var monolith = mode == "monolith";
        var users = builder.Resources.OfType<ProjectResource>().Single(resource => resource.Name == (monolith ? "monolith" : "users"));
        builder.CreateResourceBuilder(users).WithEnvironment(monolith ? "Modules__users__Users__AdminEmails__0" : "Users__AdminEmails__0", UsersForTests.AdminEmail);
        var app = await builder.BuildAsync(cancellationToken);
        var shop = new RunningShop(mode, app, dataDirectory);
        try
        {
            await app.StartAsync(cancellationToken);
            // The edge waits for every service, so once it (or the monolith) is healthy, everything is.
            await app.ResourceNotifications.WaitForResourceHealthyAsync(monolith ? "monolith" : "gateway", cancellationToken).WaitAsync(StartTimeout, cancellationToken);
            // Endpoints are known once the application runs.
            shop._users = GrpcChannel.ForAddress(shop.ServiceUrl("users", "grpc"));
            shop._catalog = GrpcChannel.ForAddress(shop.ServiceUrl("catalog", "grpc"));
            shop.Gateway = shop.ServiceUrl("gateway", "http");
            shop.PostgresConnectionString = await app.GetConnectionStringAsync("postgres", cancellationToken)
                ?? throw new InvalidOperationException("The postgres resource has no connection string.");
            shop.KafkaConnectionString = await app.GetConnectionStringAsync("kafka", cancellationToken)
                ?? throw new InvalidOperationException("The kafka resource has no connection string.");
        }
        catch
        {
            await shop.DisposeAsync();
            throw;
        }
        return shop;
    }

    /// <summary>A service's endpoint: its own resource in the mesh, "&lt;service&gt;-&lt;endpoint&gt;" of the monolith.</summary>
    public Uri ServiceUrl(string service, string endpoint) =>
        Mode == "monolith" ? _app.GetEndpoint("monolith", $"{service}-{endpoint}") : _app.GetEndpoint(service, endpoint);

    /// <summary>
    /// The process id of each resource that runs as a process of its own (the services or the monolith, the sandboxes,
    /// PostgreSQL's postmaster, Redis), as the dashboard shows it (<see cref="ECommerce.AppHost.ReadinessReport.ProcessIdProperty"/>). Kafka runs
    /// inside the AppHost, which here is this process.
    /// </summary>
    public IReadOnlyDictionary<string, int> ProcessIds()
    {
        var notifications = _app.Services.GetRequiredService<ResourceNotificationService>();
        var processIds = new Dictionary<string, int>();
        foreach (var resource in _app.Services.GetRequiredService<DistributedApplicationModel>().Resources)
        {
            if (notifications.TryGetCurrentState(resource.Name, out var state) &&
                state.Snapshot.Properties.FirstOrDefault(property => property.Name == ECommerce.AppHost.ReadinessReport.ProcessIdProperty)?.Value is { } value &&
                int.TryParse(value.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var processId))
            {
                processIds[resource.Name] = processId;
            }
        }
        return processIds;
    }

    /// <summary>Waits until the resource runs and is healthy (again, after a kill: the AppHost's restart policy starts it).</summary>
    public Task WaitUntilHealthyAsync(string resource, CancellationToken cancellationToken) =>
        _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellationToken);

    /// <summary>Runs a resource's command, as its button in the dashboard does (e.g. the outage commands of PostgreSQL and Kafka).</summary>
    public Task<ExecuteCommandResult> CommandAsync(string resource, string command) =>
        _app.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, command);

    public NpgsqlConnection Database(string name) =>
        new(new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Database = name, Pooling = false }.ConnectionString);

    /// <summary>A card tokenised at the payment sandbox, as a storefront does: the number goes to the provider only.</summary>
    public async Task<string> TokeniseAsync(HttpClient provider, string number = "4242424242424242")
    {
        using var response = await provider.PostAsJsonAsync("/v1/payment_methods", new { number, exp_month = 12, exp_year = 2030, cvc = "123" });
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>An HTTP client of the payment sandbox with its API key.</summary>
    public async Task<HttpClient> PaymentProviderAsync()
    {
        var key = await _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>()
            .Single(parameter => parameter.Name == "payment-provider-api-key").GetValueAsync(CancellationToken.None);
        var provider = new HttpClient { BaseAddress = _app.GetEndpoint("payment-sandbox", "http") };
        provider.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        _users?.Dispose();
        _catalog?.Dispose();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
