using ECommerce.Contracts.Users.V1;
using ECommerce.Testing;
using Grpc.Core;

namespace ECommerce.Users.Tests;

/// <summary>
/// The real Users service on Kestrel (cleartext HTTP/2 on 127.0.0.1), with its own database on the
/// shared PostgreSQL and its own Kafka cluster. One for the test assembly: tests keep apart by
/// registering accounts with unique email addresses.
/// </summary>
public sealed class UsersServiceHost : IAsyncLifetime
{
    public const string AdminEmail = UsersForTests.AdminEmail;
    public const string Password = UsersForTests.Password;

    private readonly TestInfrastructure _infrastructure = new();
    private ServiceOnKestrel<Program>? _service;

    public Contracts.Users.V1.UsersService.UsersServiceClient Client { get; private set; } = null!;
    public string DatabaseConnectionString { get; private set; } = "";
    public Uri Address => _service!.Address;

    /// <summary>The one service client this Users knows, "orders" with the inventory and payments scopes, and its secret (generated per run).</summary>
    public string OrdersSecret { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    public string Topic => ECommerce.Contracts.Events.EventTopics.Users;
    public string KafkaBootstrapServers => _infrastructure.Kafka.BootstrapServers;

    public async ValueTask InitializeAsync()
    {
        DatabaseConnectionString = await _infrastructure.CreateDatabaseAsync("users");
        _service = ServiceOnKestrel<Program>.Start(
        [
            new("ConnectionStrings:users", DatabaseConnectionString),
            .. _infrastructure.KafkaSettings(),
            new("Users:AdminEmails:0", AdminEmail),
            new("Users:ServiceClients:orders:Secret", OrdersSecret),
            new("Users:ServiceClients:orders:Scopes:0", "inventory"),
            new("Users:ServiceClients:orders:Scopes:1", "payments"),
        ]);
        Client = new Contracts.Users.V1.UsersService.UsersServiceClient(_service.Channel);
    }

    /// <summary>A new customer account, signed in.</summary>
    public async Task<RegisterResponse> RegisterAsync(string? email = null, string? password = null) =>
        await Client.RegisterAsync(new RegisterRequest
        {
            Email = email ?? $"{Guid.NewGuid():N}@shop.example",
            Password = password ?? Password,
            DisplayName = "Ada Lovelace",
        });

    /// <summary>Signs in as the administrator named in Users:AdminEmails, registering it on first use.</summary>
    public Task<LoginResponse> SignInAdminAsync() => UsersForTests.SignInAdminAsync(Client);

    public static Metadata Bearer(string accessToken) => UsersForTests.Bearer(accessToken);

    public Task<T> QueryAsync<T>(string sql, params object[] parameters) => Sql.ScalarAsync<T>(DatabaseConnectionString, sql, parameters);

    public async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }
        await _infrastructure.DisposeAsync();
    }
}
