using System.Text;
using ECommerce.Contracts.Users.V1;
using ECommerce.ServiceDefaults.Authentication;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ECommerce.Users.Tests;

public sealed class TokenTests(UsersServiceHost users)
{
    [Fact]
    public async Task An_access_token_verifies_with_the_published_keys_alone_as_any_service_would()
    {
        var registered = await users.RegisterAsync();
        var jwks = await users.Client.GetJwksAsync(new GetJwksRequest());
        var keys = new JsonWebKeySet();
        foreach (var key in jwks.Keys)
        {
            keys.Keys.Add(new Microsoft.IdentityModel.Tokens.JsonWebKey { Kty = key.Kty, Crv = key.Crv, X = key.X, Y = key.Y, Kid = key.Kid });
        }

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(registered.Tokens.AccessToken, new TokenValidationParameters
        {
            ValidIssuer = AccessTokens.Issuer,
            ValidAudience = AccessTokens.Audience,
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidAlgorithms = ["ES256"],
        });

        Assert.True(result.IsValid, result.Exception?.Message);
        var token = (JsonWebToken)result.SecurityToken;
        Assert.Equal("ES256", token.Alg);
        Assert.Equal(registered.User.UserId, token.Subject);
        Assert.Equal("customer", token.GetClaim("role").Value);
        Assert.InRange(token.ValidTo - token.ValidFrom, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(16));
        Assert.All(jwks.Keys, key => Assert.Equal(("EC", "P-256", "sig"), (key.Kty, key.Crv, key.Use)));
    }

    [Fact]
    public async Task Calls_without_a_valid_token_are_unauthenticated()
    {
        var registered = await users.RegisterAsync();
        var parts = registered.Tokens.AccessToken.Split('.');
        var forgedPayload = Base64UrlEncoder.Encode(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"customer\"", "\"admin\""));
        var tampered = $"{parts[0]}.{forgedPayload}.{parts[2]}";

        foreach (var headers in new[] { new Metadata(), UsersServiceHost.Bearer("not-a-jwt"), UsersServiceHost.Bearer(tampered) })
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => users.Client.GetProfileAsync(new GetProfileRequest { UserId = "me" }, headers).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        }
    }

    [Fact]
    public async Task Refreshing_rotates_the_refresh_token_and_the_new_pair_works()
    {
        var registered = await users.RegisterAsync();

        var refreshed = await users.Client.RefreshAsync(new RefreshRequest { RefreshToken = registered.Tokens.RefreshToken });
        var profile = await users.Client.GetProfileAsync(new GetProfileRequest { UserId = "me" }, UsersServiceHost.Bearer(refreshed.Tokens.AccessToken));

        Assert.NotEqual(registered.Tokens.RefreshToken, refreshed.Tokens.RefreshToken);
        Assert.Equal(registered.User.UserId, profile.User.UserId);
    }

    [Fact]
    public async Task Reusing_a_spent_refresh_token_revokes_its_whole_family()
    {
        var registered = await users.RegisterAsync();
        var legitimate = await users.Client.RefreshAsync(new RefreshRequest { RefreshToken = registered.Tokens.RefreshToken });

        var replay = await Assert.ThrowsAsync<RpcException>(() => users.Client.RefreshAsync(new RefreshRequest { RefreshToken = registered.Tokens.RefreshToken }).ResponseAsync);
        var afterReplay = await Assert.ThrowsAsync<RpcException>(() => users.Client.RefreshAsync(new RefreshRequest { RefreshToken = legitimate.Tokens.RefreshToken }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, replay.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, afterReplay.StatusCode);
    }

    [Fact]
    public async Task Logging_out_revokes_the_refresh_token_but_not_other_sign_ins()
    {
        var email = $"{Guid.NewGuid():N}@shop.example";
        var phone = await users.RegisterAsync(email);
        var laptop = await users.Client.LoginAsync(new LoginRequest { Email = email, Password = UsersServiceHost.Password });

        await users.Client.LogoutAsync(new LogoutRequest { RefreshToken = phone.Tokens.RefreshToken });

        var error = await Assert.ThrowsAsync<RpcException>(() => users.Client.RefreshAsync(new RefreshRequest { RefreshToken = phone.Tokens.RefreshToken }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.NotNull(await users.Client.RefreshAsync(new RefreshRequest { RefreshToken = laptop.Tokens.RefreshToken }));
    }

    [Fact]
    public async Task Refresh_tokens_are_stored_only_as_hashes()
    {
        var registered = await users.RegisterAsync();

        var stored = await users.QueryAsync<long>("SELECT count(*) FROM refresh_tokens WHERE encode(token_hash, 'escape') LIKE '%' || $1 || '%'", registered.Tokens.RefreshToken);

        Assert.Equal(0L, stored);
        Assert.True(await users.QueryAsync<long>("SELECT count(*) FROM refresh_tokens WHERE user_id = $1", Guid.Parse(registered.User.UserId)) >= 1);
    }
}
