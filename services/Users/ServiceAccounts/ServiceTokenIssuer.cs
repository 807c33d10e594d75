using ECommerce.ServiceDefaults.Authentication;
using ECommerce.Users.Tokens;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ECommerce.Users.ServiceAccounts;

/// <summary>
/// Service tokens: ES256 like user tokens, signed with the same keys (so every service validates them
/// the same way), subject <c>service:&lt;name&gt;</c>, no roles, and the granted scopes in <c>scope</c>.
/// </summary>
internal sealed class ServiceTokenIssuer(SigningKeys keys, TimeProvider clock)
{
    // As long as a user's token: the signing keys stay published for that long after rotation.
    public static readonly TimeSpan Lifetime = AccessTokenIssuer.Lifetime;

    private readonly JsonWebTokenHandler _handler = new();

    public async Task<string> IssueAsync(string clientId, IReadOnlyCollection<string> scopes, CancellationToken cancellationToken)
    {
        var key = await keys.ActiveAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AccessTokens.Issuer,
            Audience = AccessTokens.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + Lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(key.PrivateKey, SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object>
            {
                [AccessTokens.SubjectClaim] = AccessTokens.ServiceSubjectPrefix + clientId,
                ["client_id"] = clientId,
                [AccessTokens.ScopeClaim] = string.Join(' ', scopes.Order(StringComparer.Ordinal)),
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
        });
    }
}
