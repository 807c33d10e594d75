namespace ECommerce.Users.Accounts;

/// <summary>
/// Slows down password guessing without handing anyone a switch that locks an owner out (in the spirit of OWASP's
/// guidance on login throttling):
/// <list type="bullet">
/// <item>Per address and client: after <see cref="FreeAttempts"/> failures within <see cref="Window"/>, that client is
/// refused for that address for a lockout that doubles with each further failure, up to an hour. The owner signing in
/// from another client is not affected.</item>
/// <item>Per address, for unknown clients only: once <see cref="AddressWideFreeAttempts"/> failures from all clients
/// together fall within <see cref="Window"/> (guessing spread over many clients), clients that have never signed in
/// to the address are refused until the window has passed; a client that signed in to it before is not.</item>
/// </list>
/// Tracked by address whether or not an account has it, so a lockout reveals nothing about which accounts exist.
/// </summary>
internal sealed class LoginThrottle(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const int FreeAttempts = 5;
    public const int AddressWideFreeAttempts = 50;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan FirstLockout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan LongestLockout = TimeSpan.FromHours(1);

    /// <returns>How long this client must wait before trying this address again, or null if it may try now.</returns>
    public async Task<TimeSpan?> RetryAfterAsync(string normalizedEmail, string client, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT
                (SELECT locked_until FROM login_failures WHERE email_normalized = $1 AND client = $2),
                (SELECT min(first_failure_at) + $4 FROM login_failures
                 WHERE email_normalized = $1 AND first_failure_at >= $3 - $4
                 HAVING sum(failures) >= $5
                    AND NOT EXISTS (SELECT FROM login_known_clients WHERE email_normalized = $1 AND client = $2))
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = normalizedEmail });
        command.Parameters.Add(new NpgsqlParameter { Value = client });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = Window });
        command.Parameters.Add(new NpgsqlParameter { Value = AddressWideFreeAttempts });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var lockedUntil = new[] { reader.IsDBNull(0) ? (DateTime?)null : reader.GetDateTime(0), reader.IsDBNull(1) ? null : reader.GetDateTime(1) }.Max();
        return lockedUntil > now ? lockedUntil - now : null;
    }

    /// <summary>The pair's failure count including this one: the window starts over once it has passed.</summary>
    private const string FailuresNow = "(CASE WHEN f.first_failure_at < $3 - $4 THEN 1 ELSE f.failures + 1 END)";

    public async Task RecordFailureAsync(string normalizedEmail, string client, CancellationToken cancellationToken)
    {
        // One statement, so that concurrent failures all count, and the lockout that stays is the one of the highest
        // count: with a second statement setting it, a slower, lower count could land last.
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO login_failures AS f (email_normalized, client, failures, first_failure_at) VALUES ($1, $2, 1, $3)
            ON CONFLICT (email_normalized, client) DO UPDATE SET
                failures = {FailuresNow},
                first_failure_at = CASE WHEN f.first_failure_at < $3 - $4 THEN $3 ELSE f.first_failure_at END,
                locked_until = CASE WHEN {FailuresNow} >= $5
                    THEN $3 + LEAST($6 * power(2, LEAST({FailuresNow} - $5, 20)), $7)
                    ELSE f.locked_until END
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = normalizedEmail });
        command.Parameters.Add(new NpgsqlParameter { Value = client });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = Window });
        command.Parameters.Add(new NpgsqlParameter { Value = FreeAttempts });
        command.Parameters.Add(new NpgsqlParameter { Value = FirstLockout });
        command.Parameters.Add(new NpgsqlParameter { Value = LongestLockout });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A correct password: the client's failures for the address are forgotten, and the client is known to it from now on.</summary>
    public async Task RecordSuccessAsync(string normalizedEmail, string client, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            WITH cleared AS (DELETE FROM login_failures WHERE email_normalized = $1 AND client = $2)
            INSERT INTO login_known_clients (email_normalized, client, last_sign_in_at) VALUES ($1, $2, $3)
            ON CONFLICT (email_normalized, client) DO UPDATE SET last_sign_in_at = EXCLUDED.last_sign_in_at
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = normalizedEmail });
        command.Parameters.Add(new NpgsqlParameter { Value = client });
        command.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
