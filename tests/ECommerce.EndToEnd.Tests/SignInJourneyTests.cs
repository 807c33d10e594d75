using System.Net;
using ECommerce.Contracts.Users.V1;
using Grpc.Core;

namespace ECommerce.EndToEnd.Tests;

/// <summary>Register, login, refresh and read the profile, through the mesh the AppHost runs.</summary>
public sealed class SignInJourneyTests(RunningMesh mesh)
{
    [Fact]
    public async Task RegisterLoginRefreshAndReadProfile_OverGrpc()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var email = Accounts.NewEmail();

        var registered = await mesh.Users.RegisterAsync(
            new RegisterRequest { Email = email, Password = Accounts.Password, DisplayName = "Grpc Journey" }, cancellationToken: cancellation);
        var login = await mesh.Users.LoginAsync(new LoginRequest { Email = email, Password = Accounts.Password }, cancellationToken: cancellation);
        var refreshed = await mesh.Users.RefreshAsync(new RefreshRequest { RefreshToken = login.Tokens.RefreshToken }, cancellationToken: cancellation);
        var profile = await mesh.Users.GetProfileAsync(new GetProfileRequest { UserId = "me" },
            new Metadata { { "authorization", $"Bearer {refreshed.Tokens.AccessToken}" } }, cancellationToken: cancellation);

        Assert.Equal(registered.User.UserId, login.User.UserId);
        Assert.NotEqual(login.Tokens.RefreshToken, refreshed.Tokens.RefreshToken);
        Assert.Equal(registered.User.UserId, profile.User.UserId);
        Assert.Equal(email, profile.User.Email);
        Assert.Equal("Grpc Journey", profile.User.DisplayName);
    }

    [Fact]
    public async Task RegisterLoginRefreshAndReadProfile_OverRest()
    {
        using var client = mesh.NewRestClient();
        var email = Accounts.NewEmail();

        using var registered = await client.PostJsonAsync("/v1/users:register", new { email, password = Accounts.Password, displayName = "Rest Journey" });
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        var userId = (await registered.ReadJsonAsync()).GetProperty("user").GetProperty("userId").GetString();

        using var login = await client.PostJsonAsync("/v1/auth:login", new { email, password = Accounts.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var loginTokens = (await login.ReadJsonAsync()).GetProperty("tokens");
        Assert.Equal("Bearer", loginTokens.GetProperty("tokenType").GetString());

        using var refreshed = await client.PostJsonAsync("/v1/auth:refresh", new { refreshToken = loginTokens.GetProperty("refreshToken").GetString() });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var accessToken = (await refreshed.ReadJsonAsync()).GetProperty("tokens").GetProperty("accessToken").GetString();

        using var profile = await client.GetAsync("/v1/users/me", accessToken);
        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        var user = (await profile.ReadJsonAsync()).GetProperty("user");
        Assert.Equal(userId, user.GetProperty("userId").GetString());
        Assert.Equal(email, user.GetProperty("email").GetString());
        Assert.Equal("Rest Journey", user.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task TokenFromGrpc_IsPassedThroughTheGatewayAsBearer()
    {
        var email = Accounts.NewEmail();
        var registered = await mesh.Users.RegisterAsync(
            new RegisterRequest { Email = email, Password = Accounts.Password, DisplayName = "Passthrough" }, cancellationToken: TestContext.Current.CancellationToken);
        using var client = mesh.NewRestClient();

        using var profile = await client.GetAsync($"/v1/users/{registered.User.UserId}", registered.Tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        Assert.Equal(email, (await profile.ReadJsonAsync()).GetProperty("user").GetProperty("email").GetString());
    }
}
