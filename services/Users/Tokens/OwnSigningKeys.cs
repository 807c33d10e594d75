using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace ECommerce.Users.Tokens;

/// <summary>
/// Feeds JwtBearer in the Users service the keys it signs with, straight from <see cref="SigningKeys"/>
/// (other services read the same keys through <see cref="KeyDiscoveryEndpoints"/>): cached as long as
/// theirs, and read again (at most every ten seconds) when a token names a key not yet seen, which is
/// what happens right after another replica rotated the key.
/// </summary>
internal sealed class OwnSigningKeys(SigningKeys keys) : IConfigurationManager<OpenIdConnectConfiguration>
{
    private readonly SemaphoreSlim _fetch = new(1, 1);
    private OpenIdConnectConfiguration? _current;
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;
    private bool _refreshRequested;

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        if (_current is not null && !IsStale())
        {
            return _current;
        }
        await _fetch.WaitAsync(cancel);
        try
        {
            if (_current is null || IsStale())
            {
                var configuration = new OpenIdConnectConfiguration { Issuer = AccessTokens.Issuer };
                foreach (var key in (await keys.GetKeysAsync(cancel)).GetSigningKeys())
                {
                    configuration.SigningKeys.Add(key);
                }
                _current = configuration;
                _fetchedAt = DateTimeOffset.UtcNow;
                _refreshRequested = false;
            }
            return _current;
        }
        finally
        {
            _fetch.Release();
        }
    }

    public void RequestRefresh() => _refreshRequested = true;

    private bool IsStale()
    {
        var age = DateTimeOffset.UtcNow - _fetchedAt;
        return age > AuthenticationExtensions.KeyCacheDuration || (_refreshRequested && age > AuthenticationExtensions.KeyRefreshInterval);
    }
}
