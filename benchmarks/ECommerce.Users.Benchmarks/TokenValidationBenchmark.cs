using ECommerce.Contracts.Users.V1;
using ECommerce.ServiceDefaults.Authentication;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ECommerce.Benchmarking;

namespace ECommerce.Users.Benchmarks;

/// <summary>
/// What checking an access token costs a service: ES256 validations per second with the
/// published keys (what JwtBearer does on every call), and an authorized RPC next to an anonymous one.
/// </summary>
internal static class TokenValidationBenchmark
{
    public static async Task<string> RunAsync(UsersHost users, TimeSpan duration)
    {
        var registered = await users.Client.RegisterAsync(new RegisterRequest
        {
            Email = $"tokens-{Guid.NewGuid():N}@shop.example", Password = "correct horse battery staple", DisplayName = "Bench",
        });
        var keys = new JsonWebKeySet();
        foreach (var key in (await users.Client.GetJwksAsync(new GetJwksRequest())).Keys)
        {
            keys.Keys.Add(new Microsoft.IdentityModel.Tokens.JsonWebKey { Kty = key.Kty, Crv = key.Crv, X = key.X, Y = key.Y, Kid = key.Kid });
        }
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = AccessTokens.Issuer,
            ValidAudience = AccessTokens.Audience,
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidAlgorithms = [AccessTokens.Algorithm],
        };
        var handler = new JsonWebTokenHandler();
        var token = registered.Tokens.AccessToken;
        var bearer = new Metadata { { "authorization", $"Bearer {token}" } };
        var concurrency = Environment.ProcessorCount;

        var validations = await Measurements.RunAsync(concurrency, duration, async (_, _) =>
        {
            var result = await handler.ValidateTokenAsync(token, parameters);
            if (!result.IsValid)
            {
                throw new InvalidOperationException("The benchmark token did not validate.", result.Exception);
            }
        });
        var callConcurrency = concurrency * 8;
        var anonymous = await Measurements.RunAsync(callConcurrency, duration, (_, _) => users.Client.GetJwksAsync(new GetJwksRequest()).ResponseAsync);
        var authorized = await Measurements.RunAsync(callConcurrency, duration, (_, _) =>
            users.Client.ListAddressesAsync(new ListAddressesRequest { UserId = "me" }, bearer).ResponseAsync);

        return $"""
            | Access tokens ({duration.TotalSeconds:0} s each) | per second | p50 ms | p99 ms |
            |---|---:|---:|---:|
            | ES256 token validation, JsonWebTokenHandler, {concurrency} threads | {validations.PerSecond:N0} | {validations.P50Ms:N3} | {validations.P99Ms:N3} |
            | Anonymous RPC (GetJwks, in-memory), {callConcurrency} concurrent | {anonymous.PerSecond:N0} | {anonymous.P50Ms:N2} | {anonymous.P99Ms:N2} |
            | Authorized RPC (ListAddresses: token check + PostgreSQL read), {callConcurrency} concurrent | {authorized.PerSecond:N0} | {authorized.P50Ms:N2} | {authorized.P99Ms:N2} |
            """;
    }
}
