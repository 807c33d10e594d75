using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.LocalInfrastructure.Postgres;
using ECommerce.Testing;
using UsersClient = ECommerce.Contracts.Users.V1.UsersService.UsersServiceClient;

namespace ECommerce.Users.Benchmarks;

/// <summary>The real Users service on Kestrel (h2c, 127.0.0.1) with a throwaway PostgreSQL and the Kafka dev cluster.</summary>
/// <remarks>Any public type of the service names its assembly; this program has its own Program class.</remarks>
internal sealed class UsersHost : IAsyncDisposable
{
    private readonly ServiceOnKestrel<Api.UsersApi> _service;

    private UsersHost(ServiceOnKestrel<Api.UsersApi> service)
    {
        _service = service;
        Client = new UsersClient(service.Channel);
    }

    public UsersClient Client { get; }

    public static async Task<UsersHost> StartAsync(PostgresServer postgres, KafkaDevCluster kafka)
    {
        var database = await postgres.CreateDatabaseAsync("users_bench_" + Guid.NewGuid().ToString("N")[..8]);
        // Outside a test runner the factory cannot guess the service's content root; its files
        // (appsettings.json) are copied next to this program.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_ECOMMERCE_USERS", AppContext.BaseDirectory);
        return new UsersHost(ServiceOnKestrel<Api.UsersApi>.Start(
        [
            new("ConnectionStrings:users", database),
            .. TestInfrastructure.KafkaSettings(kafka.BootstrapServers),
        ]));
    }

    public ValueTask DisposeAsync() => _service.DisposeAsync();
}
