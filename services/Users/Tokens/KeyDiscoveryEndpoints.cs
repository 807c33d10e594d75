namespace ECommerce.Users.Tokens;

/// <summary>
/// The standard way a token validator finds the issuer's public keys: an OpenID-style metadata document
/// naming the issuer and its <c>jwks_uri</c>, and the JSON Web Key Set there. Every other service's
/// JwtBearer handler reads them (see <see cref="AuthenticationExtensions.AddJwtValidation(IHostApplicationBuilder)"/>).
/// </summary>
internal static class KeyDiscoveryEndpoints
{
    public const string JwksPath = "/.well-known/jwks.json";

    public static IEndpointRouteBuilder MapKeyDiscovery(this IEndpointRouteBuilder endpoints)
    {
        // jwks_uri names the address the caller reached, so it works wherever discovery sent it (a port, inproc://users).
        endpoints.MapGet(AuthenticationExtensions.MetadataPath, (HttpRequest request) => Results.Json(new
        {
            issuer = AccessTokens.Issuer,
            jwks_uri = $"{request.Scheme}://{request.Host}{JwksPath}",
            token_endpoint = $"{request.Scheme}://{request.Host}{AccessTokens.TokenPath}",
            grant_types_supported = new[] { "client_credentials" },
            token_endpoint_auth_methods_supported = new[] { "client_secret_basic", "client_secret_post" },
            id_token_signing_alg_values_supported = new[] { AccessTokens.Algorithm },
        }));
        endpoints.MapGet(JwksPath, async (SigningKeys keys, CancellationToken cancellationToken) => Results.Json(new
        {
            keys = (await keys.GetKeysAsync(cancellationToken)).Keys.Select(key => new
            {
                kty = key.Kty,
                crv = key.Crv,
                x = key.X,
                y = key.Y,
                kid = key.Kid,
                use = key.Use,
                alg = key.Alg,
            }),
        }));
        return endpoints;
    }
}
