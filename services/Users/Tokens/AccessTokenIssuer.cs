using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ECommerce.Users.Tokens;

/// <summary>Short-lived ES256 JWTs that every service validates locally with the published keys.</summary>
internal sealed class AccessTokenIssuer(SigningKeys keys, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private readonly JsonWebTokenHandler _handler = new();

    public async Task<(string Token, DateTimeOffset ExpiresAt)> IssueAsync(UserAccount user, CancellationToken cancellationToken)
    {
        var key = await keys.ActiveAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var expiresAt = now + Lifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AccessTokens.Issuer,
            Audience = AccessTokens.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            SigningCredentials = new SigningCredentials(key.PrivateKey, SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object>
            {
                [AccessTokens.SubjectClaim] = user.UserId.ToString(),
                ["email"] = user.Email,
                ["name"] = user.DisplayName,
                [AccessTokens.RoleClaim] = user.Roles,
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
        });
        return (token, expiresAt);
    }
}
