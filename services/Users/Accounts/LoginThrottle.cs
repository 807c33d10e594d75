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

    /// <summary>The address's failure count including this one: the window starts over once it has passed.</summary>
    private const string FailuresNow = "(CASE WHEN f.first_failure_at < $2 - $3 THEN 1 ELSE f.failures + 1 END)";

    public async Task RecordFailureAsync(string normalizedEmail, CancellationToken cancellationToken)
    {
        // One statement, so that concurrent failures for one address all count, and the lockout that stays is the
        // one of the highest count: with a second statement setting it, a slower, lower count could land last.
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO login_failures AS f (email_normalized, failures, first_failure_at) VALUES ($1, 1, $2)
            ON CONFLICT (email_normalized) DO UPDATE SET
                failures = {FailuresNow},
                first_failure_at = CASE WHEN f.first_failure_at < $2 - $3 THEN $2 ELSE f.first_failure_at END,
                locked_until = CASE WHEN {FailuresNow} >= $4
                    THEN $2 + LEAST($5 * power(2, LEAST({FailuresNow} - $4, 20)), $6)
                    ELSE f.locked_until END
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = normalizedEmail });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = Window });
        command.Parameters.Add(new NpgsqlParameter { Value = FreeAttempts });
        command.Parameters.Add(new NpgsqlParameter { Value = FirstLockout });
        command.Parameters.Add(new NpgsqlParameter { Value = LongestLockout });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ResetAsync(string normalizedEmail, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM login_failures WHERE email_normalized = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = normalizedEmail });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
