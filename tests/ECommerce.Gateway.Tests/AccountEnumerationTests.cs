using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ECommerce.Contracts.Users.V1;
using ECommerce.Testing;

namespace ECommerce.Gateway.Tests;

/// <summary>
/// Changing one's e-mail to a taken address answers 409, which tells that the address has an account; the edge
/// therefore counts e-mail changes against the strict sign-in limit (10 a minute per client), as it does registration.
/// </summary>
public sealed class AccountEnumerationTests(GatewayHost gateway)
{
    [Fact]
    public async Task Probing_addresses_by_changing_ones_email_is_held_to_the_sign_in_limit()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var me = await gateway.Users.Client.RegisterAsync(new RegisterRequest
        {
            Email = $"{Guid.NewGuid():N}@shop.example", Password = UsersForTests.Password, DisplayName = "Prober",
        }, cancellationToken: cancellation);
        var taken = $"{Guid.NewGuid():N}@shop.example";
        await gateway.Users.Client.RegisterAsync(new RegisterRequest { Email = taken, Password = UsersForTests.Password, DisplayName = "Owner" },
            cancellationToken: cancellation);
        using var prober = gateway.ClientFrom("127.0.0.4");
        prober.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", me.Tokens.AccessToken);

        var answers = new List<HttpStatusCode>();
        for (var probe = 0; probe < 11; probe++)
        {
            var answer = await prober.PatchAsJsonAsync("/v1/users/me",
                new { user = new { email = taken }, updateMask = "email" }, cancellation);
            answers.Add(answer.StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Conflict, 10).Append(HttpStatusCode.TooManyRequests), answers);
    }
}
