using ECommerce.Contracts.Users.V1;
using Microsoft.IdentityModel.Tokens;

namespace ECommerce.ServiceDefaults.Authentication;

/// <summary>
/// The signing keys as every service but Users gets them: from UsersService.GetJwks over gRPC
/// (the "users" service address comes from <c>services__users__grpc__0</c>).
/// </summary>
public sealed class UsersServiceKeySource(UsersService.UsersServiceClient users) : IJsonWebKeySource
{
    public async Task<JsonWebKeySet> GetKeysAsync(CancellationToken cancellationToken)
    {
        var response = await users.GetJwksAsync(new GetJwksRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
        var set = new JsonWebKeySet();
        foreach (var key in response.Keys)
        {
            set.Keys.Add(new Microsoft.IdentityModel.Tokens.JsonWebKey
            {
                Kty = key.Kty, Crv = key.Crv, X = key.X, Y = key.Y, Kid = key.Kid, Use = key.Use, Alg = key.Alg,
            });
        }
        return set;
    }
}
