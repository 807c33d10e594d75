using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace ECommerce.Users.Tokens;

/// <summary>
/// The ES256 keys that sign access tokens: generated on first run and kept in this service's
/// database (never in the repository), rotated every <see cref="RotateAfter"/>, and published as a
/// JSON Web Key Set until every token a retired key signed has expired.
/// </summary>
/// <remarks>A production deployment would keep the private key in a key vault or HSM instead.</remarks>
internal sealed class SigningKeys(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public static readonly TimeSpan RotateAfter = TimeSpan.FromDays(30);
    private static readonly TimeSpan PublishRetiredFor = AccessTokenIssuer.Lifetime + TimeSpan.FromMinutes(5);
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _load = new(1, 1);
    private (SigningKey Active, IReadOnlyList<SigningKey> Published, DateTimeOffset LoadedAt)? _cache;

    public async Task<SigningKey> ActiveAsync(CancellationToken cancellationToken) => (await LoadAsync(cancellationToken)).Active;

    public async Task<JsonWebKeySet> GetKeysAsync(CancellationToken cancellationToken)
    {
        var set = new JsonWebKeySet();
        foreach (var key in (await LoadAsync(cancellationToken)).Published)
        {
            set.Keys.Add(key.PublicJwk);
        }
        return set;
    }

    private async Task<(SigningKey Active, IReadOnlyList<SigningKey> Published, DateTimeOffset LoadedAt)> LoadAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_cache is { } cached && now - cached.LoadedAt < CacheFor)
        {
            return cached;
        }
        await _load.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // Replicas starting together must not each create a key.
            await using (var lockKeys = new NpgsqlCommand("SELECT pg_advisory_xact_lock(4242002)", connection, transaction))
            {
                await lockKeys.ExecuteNonQueryAsync(cancellationToken);
            }
            var keys = await ReadAsync(connection, transaction, now, cancellationToken);
            var active = keys.FirstOrDefault(key => key.RetiredAt is null);
            if (active is null || now - active.CreatedAt > RotateAfter)
            {
                if (active is not null)
                {
                    await using var retire = new NpgsqlCommand("UPDATE signing_keys SET retired_at = $2 WHERE key_id = $1", connection, transaction)
                    {
                        Parameters = { new() { Value = active.KeyId }, new() { Value = now } },
                    };
                    await retire.ExecuteNonQueryAsync(cancellationToken);
                }
                using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                await using var create = new NpgsqlCommand("INSERT INTO signing_keys (key_id, private_key, created_at) VALUES ($1, $2, $3)", connection, transaction)
                {
                    Parameters = { new() { Value = Guid.NewGuid().ToString("N") }, new() { Value = ecdsa.ExportPkcs8PrivateKey() }, new() { Value = now } },
                };
                await create.ExecuteNonQueryAsync(cancellationToken);
                keys = await ReadAsync(connection, transaction, now, cancellationToken);
                active = keys.First(key => key.RetiredAt is null);
            }
            await transaction.CommitAsync(cancellationToken);
            _cache = (active, keys, now);
            return _cache.Value;
        }
        finally
        {
            _load.Release();
        }
    }

    private static async Task<List<SigningKey>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT key_id, private_key, created_at, retired_at FROM signing_keys WHERE retired_at IS NULL OR retired_at > $1 ORDER BY created_at DESC",
            connection, transaction)
        {
            Parameters = { new() { Value = now - PublishRetiredFor } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<SigningKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(SigningKey.Load(reader.GetString(0), (byte[])reader[1], reader.GetFieldValue<DateTimeOffset>(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3)));
        }
        return keys;
    }
}

internal sealed record SigningKey(string KeyId, ECDsaSecurityKey PrivateKey, JsonWebKey PublicJwk, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt)
{
    public static SigningKey Load(string keyId, byte[] pkcs8, DateTimeOffset createdAt, DateTimeOffset? retiredAt)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
        var publicOnly = ECDsa.Create(ecdsa.ExportParameters(includePrivateParameters: false));
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(publicOnly) { KeyId = keyId });
        jwk.Use = JsonWebKeyUseNames.Sig;
        jwk.Alg = AccessTokens.Algorithm;
        return new SigningKey(keyId, new ECDsaSecurityKey(ecdsa) { KeyId = keyId }, jwk, createdAt, retiredAt);
    }
}
