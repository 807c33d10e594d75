using ECommerce.Catalog;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Users.V1;
using ECommerce.Grpc.InProcess;
using ECommerce.ServiceDefaults;
using ECommerce.ServiceDefaults.Resilience;
using ECommerce.Testing;
using ECommerce.Users;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.ServiceDefaults.Tests;

/// <summary>
/// Services sharing one process (the monolith) publish each other as <c>inproc://&lt;name&gt;</c>; service
/// discovery must pass those through, for gRPC clients and for the access-token keys alike.
/// </summary>
public sealed class InProcessDiscoveryTests(TestInfrastructure infrastructure)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_grpc_client_of_a_sibling_published_at_an_inproc_address_reaches_it_in_memory()
    {
        var network = new InProcessNetwork();
        // Listening under a name of its own: the client must follow the published address, not guess from the service's name.
        await using var catalog = await StartAsync(network, "catalog-replica", [], _ => { }, _ => { });
        await using var caller = new ServiceCollection()
            .AddLogging()
            .AddSingleton(network)
            .AddSingleton<IConfiguration>(new ConfigurationBuilder()
                .AddInMemoryCollection([KeyValuePair.Create("services:catalog:grpc:0", (string?)"inproc://catalog-replica")])
                .Build())
            .AddResilientGrpcClient<Health.HealthClient>("catalog")
            .BuildServiceProvider();

        var health = await caller.GetRequiredService<Health.HealthClient>().CheckAsync(new HealthCheckRequest(), cancellationToken: Cancellation);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task A_service_checks_tokens_with_the_keys_it_discovered_from_the_issuer_in_the_same_process()
    {
        var network = new InProcessNetwork();
        await using var users = await StartAsync(network, "users",
        [
            new("ConnectionStrings:users", await infrastructure.CreateDatabaseAsync("users", Cancellation)),
            .. infrastructure.KafkaSettings(),
        ], builder => builder.AddUsersServices(), app => app.MapUsersApi());
        await using var catalog = await StartAsync(network, "catalog",
        [
            new("ConnectionStrings:catalog", await infrastructure.CreateDatabaseAsync("catalog", Cancellation)),
            new("ConnectionStrings:redis", await infrastructure.RedisConnectionStringAsync(Cancellation)),
            .. infrastructure.KafkaSettings(),
            new("Catalog:SeedDemoData", "false"),
            new("Catalog:CacheKeyPrefix", TestInfrastructure.UniqueName("catalog")),
            new("services:users:grpc:0", "inproc://users"),
        ], builder => builder.AddCatalogServices(), app => app.MapCatalogApi());
        using var usersChannel = ChannelTo(network, "users");
        using var catalogChannel = ChannelTo(network, "catalog");
        var customer = await new UsersService.UsersServiceClient(usersChannel).RegisterAsync(new RegisterRequest
        {
            Email = $"{Guid.NewGuid():N}@shop.example", Password = UsersForTests.Password, DisplayName = "Customer",
        }, cancellationToken: Cancellation);

        // Only a validated token carries the customer role, and only a known role is refused for lack of admin.
        var refused = await Assert.ThrowsAsync<RpcException>(() => new CatalogService.CatalogServiceClient(catalogChannel).CreateCategoryAsync(
            new CreateCategoryRequest { Category = new Category { Name = "X", Slug = TestInfrastructure.UniqueName("x") } },
            UsersForTests.Bearer(customer.Tokens.AccessToken), cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    /// <summary>One service as the monolith hosts it: listening in memory under its name, with the service defaults.</summary>
    private static async Task<RunningService> StartAsync(InProcessNetwork network, string name, IEnumerable<KeyValuePair<string, string>> settings,
        Action<WebApplicationBuilder> addServices, Action<WebApplication> mapApi)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings.Select(setting => KeyValuePair.Create(setting.Key, (string?)setting.Value)));
        builder.Services.AddInProcessTransport(network);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenInProcess(name));
        builder.AddServiceDefaults();
        addServices(builder);
        var app = builder.Build();
        mapApi(app);
        app.MapDefaultEndpoints();
        await app.StartAsync(CancellationToken.None);
        return new RunningService(app);
    }

    private sealed class RunningService(WebApplication app) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }

    private static GrpcChannel ChannelTo(InProcessNetwork network, string name) =>
        GrpcChannel.ForAddress($"http://{name}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { ConnectCallback = (_, _) => ValueTask.FromResult(network.Connect(name)) },
        });
}
