using System.Net;
using ECommerce.ServiceDefaults.Authentication;
using ECommerce.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ECommerce.Users.Tests;

/// <summary>Service identity: Users issues service tokens by OAuth 2.0 client credentials, only for a client's own secret.</summary>
public sealed class ServiceTokenTests(UsersServiceHost users)
{
    [Fact]
    public async Task A_service_with_its_secret_gets_a_short_lived_ES256_token_naming_it_and_its_scopes()
    {
        var response = await UsersForTests.RequestServiceTokenAsync(users.Address, "orders", users.OrdersSecret);

        Assert.False(response.IsError, response.Error);
        var token = new JsonWebToken(response.AccessToken);
        Assert.Equal((AccessTokens.Algorithm, "service:orders", AccessTokens.Issuer), (token.Alg, token.Subject, token.Issuer));
        Assert.Equal("inventory payments", token.GetClaim(AccessTokens.ScopeClaim).Value);
        Assert.DoesNotContain(token.Claims, claim => claim.Type == AccessTokens.RoleClaim);
        Assert.InRange(response.ExpiresIn, 60, 15 * 60);
        Assert.Equal("Bearer", response.TokenType);
    }

    [Fact]
    public async Task A_token_asked_for_fewer_scopes_carries_only_those()
    {
        var response = await UsersForTests.RequestServiceTokenAsync(users.Address, "orders", users.OrdersSecret, "payments");

        Assert.Equal("payments", new JsonWebToken(response.AccessToken).GetClaim(AccessTokens.ScopeClaim).Value);
    }

    [Fact]
    public async Task A_wrong_secret_an_unknown_client_or_a_scope_not_granted_gets_no_token()
    {
        var wrongSecret = await UsersForTests.RequestServiceTokenAsync(users.Address, "orders", users.OrdersSecret[..^1] + "0");
        var unknown = await UsersForTests.RequestServiceTokenAsync(users.Address, "payment", users.OrdersSecret);
        var empty = await UsersForTests.RequestServiceTokenAsync(users.Address, "orders", "");
        var notGranted = await UsersForTests.RequestServiceTokenAsync(users.Address, "orders", users.OrdersSecret, "inventory shipping");

        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (wrongSecret.HttpStatusCode, OAuthError(wrongSecret)));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (unknown.HttpStatusCode, OAuthError(unknown)));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (empty.HttpStatusCode, OAuthError(empty)));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_scope"), (notGranted.HttpStatusCode, OAuthError(notGranted)));
        Assert.All([wrongSecret, unknown, empty, notGranted], response => Assert.Null(response.AccessToken));
    }

    // The RFC 6749 error code in the body; the library reports the HTTP reason instead for statuses other than 400.
    private static string? OAuthError(Duende.IdentityModel.Client.TokenResponse response) =>
        System.Text.Json.JsonDocument.Parse(response.Raw!).RootElement.GetProperty("error").GetString();

    [Fact]
    public async Task The_metadata_document_names_the_token_endpoint()
    {
        using var http = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var metadata = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri(users.Address, AuthenticationExtensions.MetadataPath)));

        Assert.Equal(new Uri(users.Address, AccessTokens.TokenPath).ToString(), metadata.RootElement.GetProperty("token_endpoint").GetString());
    }
}
