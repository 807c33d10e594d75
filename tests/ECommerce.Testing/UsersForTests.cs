using System.Net;
using System.Security.Cryptography;
using Duende.IdentityModel.Client;
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

    /// <summary>
    /// The service clients this Users knows, each with a secret generated for the run, and their scopes:
    /// "orders" as the Orders service will have it, and "shipping" with the shipping scope only (for tests of a missing scope).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> ServiceClientScopes = new Dictionary<string, string[]>
    {
        ["orders"] = ["inventory", "payments", "shipping"],
        ["shipping"] = ["shipping"],
    };

    private readonly IReadOnlyDictionary<string, string> _secrets;

    private UsersForTests(ServiceProcess process, IReadOnlyDictionary<string, string> secrets)
    {
        Process = process;
        _secrets = secrets;
        Client = new UsersService.UsersServiceClient(process.Channel);
    }

    public ServiceProcess Process { get; }
    public UsersService.UsersServiceClient Client { get; }

    /// <summary>For the service under test: <c>services__users__grpc__0</c>.</summary>
    public KeyValuePair<string, string> DiscoveryVariable => new("services__users__grpc__0", Process.Address.ToString());

    /// <summary>The same as a configuration key, for a service hosted in the test process.</summary>
    public KeyValuePair<string, string> DiscoverySetting => new("services:users:grpc:0", Process.Address.ToString());

    public static Task<UsersForTests> StartAsync(TestInfrastructure infrastructure, CancellationToken cancellationToken = default) =>
        StartAsync(infrastructure, infrastructure.Kafka.BootstrapServers, new Dictionary<string, string>(), cancellationToken);

    /// <summary>A Users on the Kafka cluster at <paramref name="kafka"/>, with <paramref name="settings"/> added to its environment.</summary>
    public static async Task<UsersForTests> StartAsync(TestInfrastructure infrastructure, string kafka, IReadOnlyDictionary<string, string> settings,
        CancellationToken cancellationToken = default)
    {
        var environment = new Dictionary<string, string>(settings)
        {
            ["ConnectionStrings__users"] = await infrastructure.CreateDatabaseAsync("users", cancellationToken),
            ["ConnectionStrings__kafka"] = kafka,
            ["Kafka__SessionTimeoutMs"] = LocalInfrastructure.Kafka.KafkaDevCluster.DevelopmentSessionTimeoutMs.ToString(),
            ["Users__AdminEmails__0"] = AdminEmail,
        };
        var secrets = ServiceClientScopes.Keys.ToDictionary(client => client, _ => Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));
        foreach (var (client, scopes) in ServiceClientScopes)
        {
            environment[$"Users__ServiceClients__{client}__Secret"] = secrets[client];
            for (var i = 0; i < scopes.Length; i++)
            {
                environment[$"Users__ServiceClients__{client}__Scopes__{i}"] = scopes[i];
            }
        }
        var process = await ServiceProcess.StartAsync("Users", environment, cancellationToken);
        return new UsersForTests(process, secrets);
    }

    /// <summary>The generated secret of a service client, for a service under test: <c>ServiceIdentity:ClientSecret</c>.</summary>
    public string ServiceSecret(string clientId) => _secrets[clientId];

    /// <summary>A service token from Users' token endpoint, by client credentials.</summary>
    public Task<TokenResponse> RequestServiceTokenAsync(string clientId, string secret, string? scope = null) =>
        RequestServiceTokenAsync(Process.Address, clientId, secret, scope);

    /// <summary>A service token from the token endpoint of the Users service at <paramref name="users"/>.</summary>
    public static async Task<TokenResponse> RequestServiceTokenAsync(Uri users, string clientId, string secret, string? scope = null)
    {
        using var http = new HttpClient(new Http2PriorKnowledge { InnerHandler = new SocketsHttpHandler() });
        return await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = new Uri(users, "/connect/token").ToString(),
            ClientId = clientId,
            ClientSecret = secret,
            Scope = scope,
        });
    }

    /// <summary>A valid service token of <paramref name="clientId"/> with every scope it is granted.</summary>
    public async Task<string> ServiceTokenAsync(string clientId)
    {
        var response = await RequestServiceTokenAsync(clientId, ServiceSecret(clientId));
        return response.AccessToken ?? throw new InvalidOperationException($"No service token for {clientId}: {response.Error} {response.ErrorDescription}");
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

    /// <summary>The services' endpoint speaks cleartext HTTP/2 only.</summary>
    private sealed class Http2PriorKnowledge : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
