using System.Net;
using System.Net.Http.Json;
using ECommerce.Contracts.Users.V1;
using ECommerce.Testing;

namespace ECommerce.Gateway.Tests;

/// <summary>Users throttles sign-in guesses per client; behind the edge, the client is the edge's caller, not the edge.</summary>
public sealed class SignInThrottleTests(GatewayHost gateway)
{
    [Fact]
    public async Task Guesses_through_the_edge_throttle_the_guessing_client_not_the_owner_on_another()
    {
        var email = $"{Guid.NewGuid():N}@shop.example";
        await gateway.Users.Client.RegisterAsync(new RegisterRequest { Email = email, Password = UsersForTests.Password, DisplayName = "Owner" }, cancellationToken: TestContext.Current.CancellationToken);
        using var attacker = gateway.ClientFrom("127.0.0.2");
        using var owner = gateway.ClientFrom("127.0.0.3");
        for (var attempt = 0; attempt < 6; attempt++)
        {
            using var guess = new HttpRequestMessage(HttpMethod.Post, "/v1/auth:login")
            {
                Content = JsonContent.Create(new { email, password = $"guess number {attempt}" }),
            };
            // A forged address must not give each guess a fresh client.
            guess.Headers.Add("X-Forwarded-For", $"198.51.100.{attempt}");
            await attacker.SendAsync(guess, TestContext.Current.CancellationToken);
        }

        var attackerWithRightPassword = await attacker.PostAsJsonAsync("/v1/auth:login", new { email, password = UsersForTests.Password }, TestContext.Current.CancellationToken);
        var ownerSigningIn = await owner.PostAsJsonAsync("/v1/auth:login", new { email, password = UsersForTests.Password }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.TooManyRequests, attackerWithRightPassword.StatusCode);
        Assert.NotNull(attackerWithRightPassword.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, ownerSigningIn.StatusCode);
    }
}
