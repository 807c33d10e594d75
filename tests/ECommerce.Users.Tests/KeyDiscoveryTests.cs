using System.Net;
using ECommerce.ServiceDefaults.Authentication;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ECommerce.Users.Tests;

/// <summary>How every other service finds the keys that verify access tokens: the standard discovery documents.</summary>
public sealed class KeyDiscoveryTests(UsersServiceHost users)
{
    [Fact]
    public async Task The_metadata_document_on_the_grpc_endpoint_leads_a_standard_validator_to_the_keys_that_verify_tokens()
    {
        var registered = await users.RegisterAsync();
        // What JwtBearer does in every other service: read the metadata, then the jwks_uri it names,
        // over the same cleartext HTTP/2 endpoint that serves gRPC.
        using var http = new HttpClient(new Http2Only(new SocketsHttpHandler()));
        var metadata = new ConfigurationManager<OpenIdConnectConfiguration>(
            new Uri(users.Address, AuthenticationExtensions.MetadataPath).ToString(),
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(http) { RequireHttps = false });

        var configuration = await metadata.GetConfigurationAsync(TestContext.Current.CancellationToken);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(registered.Tokens.AccessToken, new TokenValidationParameters
        {
            ValidIssuer = AccessTokens.Issuer,
            ValidAudience = AccessTokens.Audience,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = [AccessTokens.Algorithm],
        });

        Assert.Equal(AccessTokens.Issuer, configuration.Issuer);
        Assert.Equal(new Uri(users.Address, "/.well-known/jwks.json"), new Uri(configuration.JwksUri));
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.All(configuration.JsonWebKeySet.Keys, key =>
        {
            Assert.Equal(("EC", "P-256", "sig", AccessTokens.Algorithm), (key.Kty, key.Crv, key.Use, key.Alg));
            Assert.False(key.HasPrivateKey);
            Assert.Null(key.D);
        });
    }

    private sealed class Http2Only(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
