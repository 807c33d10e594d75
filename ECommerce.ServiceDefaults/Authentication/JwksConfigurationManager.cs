using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace ECommerce.ServiceDefaults.Authentication;

/// <summary>
/// Feeds JwtBearer the signing keys from an <see cref="IJsonWebKeySource"/>: cached for five
/// minutes, and fetched again (at most every ten seconds) when a token names a key not yet seen,
/// which is what happens right after the issuer rotates its key.
/// </summary>
internal sealed class JwksConfigurationManager(IJsonWebKeySource source) : IConfigurationManager<OpenIdConnectConfiguration>
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromSeconds(10);

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
                var keys = await source.GetKeysAsync(cancel);
                var configuration = new OpenIdConnectConfiguration { Issuer = AccessTokens.Issuer };
                foreach (var key in keys.GetSigningKeys())
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
        return age > CacheFor || (_refreshRequested && age > MinimumRefreshInterval);
    }
}
