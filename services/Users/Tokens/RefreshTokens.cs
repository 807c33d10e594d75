using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;

namespace ECommerce.Users.Tokens;

/// <summary>
/// Opaque refresh tokens that rotate: each use spends the token and issues the next one of the same
/// family. A spent token presented again means it was stolen (or the client is broken): the whole
/// family is revoked, so the thief's and the user's tokens both stop working.
/// </summary>
internal sealed class RefreshTokens(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    /// <summary>Starts a new family (a sign-in) inside the caller's transaction.</summary>
    public Task<IssuedRefreshToken> StartFamilyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid userId, CancellationToken cancellationToken) =>
        IssueAsync(connection, transaction, userId, Guid.NewGuid(), cancellationToken);

    public async Task<RefreshOutcome> RotateAsync(string token, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var found = await FindForUpdateAsync(connection, transaction, token, cancellationToken);
        var now = clock.GetUtcNow();
        RefreshOutcome outcome;
        if (found is null || found.RevokedAt is not null || found.ExpiresAt <= now)
        {
            outcome = new RefreshOutcome.Refused();
        }
        else if (found.SpentAt is not null)
        {
            await RevokeFamilyAsync(connection, transaction, found.FamilyId, cancellationToken);
            outcome = new RefreshOutcome.ReuseDetected(found.UserId);
        }
        else
        {
            await using (var spend = new NpgsqlCommand("UPDATE refresh_tokens SET spent_at = $2 WHERE token_hash = $1", connection, transaction)
            {
                Parameters = { new() { Value = Hash(token) }, new() { Value = now } },
            })
            {
                await spend.ExecuteNonQueryAsync(cancellationToken);
            }
            outcome = new RefreshOutcome.Rotated(found.UserId, await IssueAsync(connection, transaction, found.UserId, found.FamilyId, cancellationToken));
        }
        await transaction.CommitAsync(cancellationToken);
        return outcome;
    }

    /// <summary>Ends a sign-in: the token's whole family stops working. Unknown tokens are ignored.</summary>
    public async Task RevokeAsync(string token, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await FindForUpdateAsync(connection, transaction, token, cancellationToken) is { } found)
        {
            await RevokeFamilyAsync(connection, transaction, found.FamilyId, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<IssuedRefreshToken> IssueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid userId, Guid familyId, CancellationToken cancellationToken)
    {
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        await using var insert = new NpgsqlCommand(
            "INSERT INTO refresh_tokens (token_hash, family_id, user_id, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5)", connection, transaction)
        {
            Parameters = { new() { Value = Hash(token) }, new() { Value = familyId }, new() { Value = userId }, new() { Value = now }, new() { Value = now + Lifetime } },
        };
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return new IssuedRefreshToken(token, now + Lifetime);
    }

    private static async Task<StoredRefreshToken?> FindForUpdateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string token, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT family_id, user_id, expires_at, spent_at, revoked_at FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE", connection, transaction)
        {
            Parameters = { new() { Value = Hash(token) } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new StoredRefreshToken(reader.GetGuid(0), reader.GetGuid(1), reader.GetFieldValue<DateTimeOffset>(2),
            reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4));
    }

    private async Task RevokeFamilyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid familyId, CancellationToken cancellationToken)
    {
        await using var revoke = new NpgsqlCommand("UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL", connection, transaction)
        {
            Parameters = { new() { Value = familyId }, new() { Value = clock.GetUtcNow() } },
        };
        await revoke.ExecuteNonQueryAsync(cancellationToken);
    }

    // Only hashes are stored: a leaked database does not leak usable tokens.
    private static byte[] Hash(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));

    private sealed record StoredRefreshToken(Guid FamilyId, Guid UserId, DateTimeOffset ExpiresAt, DateTimeOffset? SpentAt, DateTimeOffset? RevokedAt);
}

internal sealed record IssuedRefreshToken(string Token, DateTimeOffset ExpiresAt);

internal abstract record RefreshOutcome
{
    public sealed record Rotated(Guid UserId, IssuedRefreshToken Next) : RefreshOutcome;

    public sealed record ReuseDetected(Guid UserId) : RefreshOutcome;

    public sealed record Refused : RefreshOutcome;
}
