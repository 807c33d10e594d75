using System.Security.Cryptography;
using System.Text;

namespace ECommerce.Users.ServiceAccounts;

/// <summary>
/// The services that may ask for a token, from <c>Users:ServiceClients:&lt;name&gt;:Secret</c> and
/// <c>…:Scopes:&lt;i&gt;</c>. The AppHost passes each secret from a secret parameter; none is in the repository.
/// </summary>
internal sealed class ServiceClients
{
    public const int MinSecretLength = 32;

    private readonly Dictionary<string, (byte[] SecretHash, IReadOnlySet<string> Scopes)> _clients = new(StringComparer.Ordinal);

    public ServiceClients(IConfiguration configuration)
    {
        foreach (var client in configuration.GetSection("Users:ServiceClients").GetChildren())
        {
            var secret = client["Secret"] ?? "";
            if (secret.Length < MinSecretLength)
            {
                throw new InvalidOperationException($"Users:ServiceClients:{client.Key}:Secret must be at least {MinSecretLength} characters.");
            }
            var scopes = client.GetSection("Scopes").GetChildren().Select(scope => scope.Value ?? "").Where(scope => scope.Length > 0);
            _clients[client.Key] = (Hash(secret), scopes.ToHashSet(StringComparer.Ordinal));
        }
    }

    /// <summary>The client's granted scopes when the secret is its own, else null. Unknown clients cost the same comparison.</summary>
    public IReadOnlySet<string>? Authenticate(string clientId, string secret)
    {
        var known = _clients.TryGetValue(clientId, out var client);
        var matches = CryptographicOperations.FixedTimeEquals(Hash(secret), known ? client.SecretHash : new byte[32]);
        return known && matches ? client.Scopes : null;
    }

    // Hashing first makes the comparison independent of the secrets' lengths.
    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
