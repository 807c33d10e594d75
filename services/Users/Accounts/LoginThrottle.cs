using Npgsql;

namespace ECommerce.Users.Accounts;

/// <summary>
/// Slows down password guessing per email address: after <see cref="FreeAttempts"/> failures within
/// <see cref="Window"/>, sign-in is refused for a lockout that doubles with each further failure, up
/// to an hour. Tracked by address whether or not an account has it, so a lockout reveals nothing.
/// </summary>
internal sealed class LoginThrottle(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const int FreeAttempts = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan FirstLockout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan LongestLockout = TimeSpan.FromHours(1);

    /// <returns>How long the address must wait before trying again, or null if it may try now.</returns>
    public async Task<TimeSpan?> RetryAfterAsync(string normalizedEmail, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT locked_until FROM login_failures WHERE email_normalized = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = normalizedEmail });
        var lockedUntil = await command.ExecuteScalarAsync(cancellationToken) as DateTime?;
        var now = clock.GetUtcNow().UtcDateTime;
        return lockedUntil > now ? lockedUntil - now : null;
    }

    public async Task RecordFailureAsync(string normalizedEmail, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // One statement, so concurrent failures for one address all count.
        await using var command = dataSource.CreateCommand("""
            INSERT INTO login_failures AS f (email_normalized, failures, first_failure_at) VALUES ($1, 1, $2)
            ON CONFLICT (email_normalized) DO UPDATE SET
                failures = CASE WHEN f.first_failure_at < $2 - $3 THEN 1 ELSE f.failures + 1 END,
                first_failure_at = CASE WHEN f.first_failure_at < $2 - $3 THEN $2 ELSE f.first_failure_at END
            RETURNING failures
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = normalizedEmail });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = Window });
        var failures = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        if (failures >= FreeAttempts)
        {
            var lockout = TimeSpan.FromTicks(Math.Min(FirstLockout.Ticks << Math.Min(failures - FreeAttempts, 20), LongestLockout.Ticks));
            await using var lockCommand = dataSource.CreateCommand("UPDATE login_failures SET locked_until = $2 WHERE email_normalized = $1");
            lockCommand.Parameters.Add(new NpgsqlParameter { Value = normalizedEmail });
            lockCommand.Parameters.Add(new NpgsqlParameter { Value = now + lockout });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task ResetAsync(string normalizedEmail, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM login_failures WHERE email_normalized = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = normalizedEmail });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
