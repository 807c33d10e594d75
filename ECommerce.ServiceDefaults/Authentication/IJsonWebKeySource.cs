using Microsoft.IdentityModel.Tokens;

namespace ECommerce.ServiceDefaults.Authentication;

/// <summary>Where a service gets the public keys that verify access tokens (the Users service's JWKS).</summary>
public interface IJsonWebKeySource
{
    Task<JsonWebKeySet> GetKeysAsync(CancellationToken cancellationToken);
}
