using ECommerce.Contracts.Users.V1;
using Grpc.Core;

namespace ECommerce.Testing;

/// <summary>
/// A real Users service for tests of other services: it issues the tokens they check and serves
/// the keys they check them with.
/// </summary>
public sealed class UsersForTests : IAsyncDisposable
{
    public const string AdminEmail = "root@shop.example";
    public const string Password = "correct horse battery staple";

    private UsersForTests(ServiceProcess process)
    {
        Process = process;
        Client = new UsersService.UsersServiceClient(process.Channel);
    }

    public ServiceProcess Process { get; }
    public UsersService.UsersServiceClient Client { get; }

    /// <summary>For the service under test: <c>services__users__grpc__0</c>.</summary>
    public KeyValuePair<string, string> DiscoveryVariable => new("services__users__grpc__0", Process.Address.ToString());

    /// <summary>The same as a configuration key, for a service hosted in the test process.</summary>
    public KeyValuePair<string, string> DiscoverySetting => new("services:users:grpc:0", Process.Address.ToString());

    public static async Task<UsersForTests> StartAsync(TestInfrastructure infrastructure, CancellationToken cancellationToken = default)
    {
        var process = await ServiceProcess.StartAsync("Users", new Dictionary<string, string>
        {
            ["ConnectionStrings__users"] = await infrastructure.CreateDatabaseAsync("users", cancellationToken),
            ["ConnectionStrings__kafka"] = infrastructure.Kafka.BootstrapServers,
            ["Kafka__SessionTimeoutMs"] = LocalInfrastructure.Kafka.KafkaDevCluster.DevelopmentSessionTimeoutMs.ToString(),
            ["Users__AdminEmails__0"] = AdminEmail,
        }, cancellationToken);
        return new UsersForTests(process);
    }

    /// <summary>A new customer's access token.</summary>
    public async Task<string> CustomerTokenAsync() =>
        (await Client.RegisterAsync(new RegisterRequest { Email = $"{Guid.NewGuid():N}@shop.example", Password = Password, DisplayName = "Customer" }))
        .Tokens.AccessToken;

    /// <summary>The administrator's access token (registered on first use).</summary>
    public async Task<string> AdminTokenAsync() => (await SignInAdminAsync(Client)).Tokens.AccessToken;

    /// <summary>Signs in as the administrator named in Users:AdminEmails through any Users client, registering it on first use.</summary>
    public static async Task<LoginResponse> SignInAdminAsync(UsersService.UsersServiceClient client)
    {
        try
        {
            await client.RegisterAsync(new RegisterRequest { Email = AdminEmail, Password = Password, DisplayName = "Root" });
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
        {
        }
        return await client.LoginAsync(new LoginRequest { Email = AdminEmail, Password = Password });
    }

    public static Metadata Bearer(string accessToken) => new() { { "authorization", $"Bearer {accessToken}" } };

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
