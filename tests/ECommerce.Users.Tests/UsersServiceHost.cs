using ECommerce.Contracts.Users.V1;
using ECommerce.LocalInfrastructure.Kafka;
using ECommerce.Grpc;
using ECommerce.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ECommerce.Users.Tests;

/// <summary>
/// The real Users service on Kestrel (cleartext HTTP/2 on 127.0.0.1), with its own database on the
/// shared PostgreSQL and its own Kafka cluster. One for the test assembly: tests keep apart by
/// registering accounts with unique email addresses.
/// </summary>
public sealed class UsersServiceHost : IAsyncLifetime
{
    public const string AdminEmail = "root@shop.example";
    public const string Password = "correct horse battery staple";

    private readonly TestInfrastructure _infrastructure = new();
    private WebApplicationFactory<Program>? _factory;

    public GrpcChannel Channel { get; private set; } = null!;
    public Contracts.Users.V1.UsersService.UsersServiceClient Client { get; private set; } = null!;
    public string DatabaseConnectionString { get; private set; } = "";
    public string Topic => Api.UsersApi.EventsTopic;
    public string KafkaBootstrapServers => _infrastructure.Kafka.BootstrapServers;

    public async ValueTask InitializeAsync()
    {
        DatabaseConnectionString = await _infrastructure.CreateDatabaseAsync("users");
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseSetting("ConnectionStrings:users", DatabaseConnectionString);
            host.UseSetting("ConnectionStrings:kafka", _infrastructure.Kafka.BootstrapServers);
            host.UseSetting("Kafka:SessionTimeoutMs", KafkaDevCluster.DevelopmentSessionTimeoutMs.ToString());
            host.UseSetting("Users:AdminEmails:0", AdminEmail);
            host.UseSetting("Logging:LogLevel:Default", "Warning");
        });
        _factory.UseKestrel(kestrel => kestrel.ListenGrpcOnLoopback());
        _factory.StartServer();
        Channel = GrpcChannel.ForAddress(_factory.Services.GetRequiredService<IServer>().GetGrpcAddress());
        Client = new Contracts.Users.V1.UsersService.UsersServiceClient(Channel);
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
    public async Task<LoginResponse> SignInAdminAsync()
    {
        try
        {
            await Client.RegisterAsync(new RegisterRequest { Email = AdminEmail, Password = Password, DisplayName = "Root" });
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
        {
        }
        return await Client.LoginAsync(new LoginRequest { Email = AdminEmail, Password = Password });
    }

    public static Metadata Bearer(string accessToken) => new() { { "authorization", $"Bearer {accessToken}" } };

    public async Task<T> QueryAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        Channel?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        await _infrastructure.DisposeAsync();
    }
}
