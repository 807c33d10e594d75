using ECommerce.Contracts.Users.V1;
using ECommerce.Users.Accounts;
using ECommerce.Benchmarking;

namespace ECommerce.Users.Benchmarks;

/// <summary>
/// Logins per second end to end, next to the bound the password hash sets: the same number of
/// concurrent PBKDF2 verifications alone, measured in the same run.
/// </summary>
internal static class LoginBenchmark
{
    private const string Password = "correct horse battery staple";

    public static async Task<string> RunAsync(UsersHost users, TimeSpan duration)
    {
        var concurrency = Environment.ProcessorCount * 2;
        var emails = new List<string>();
        for (var i = 0; i < concurrency; i++)
        {
            var email = $"bench-{i}-{Guid.NewGuid():N}@shop.example";
            await users.Client.RegisterAsync(new RegisterRequest { Email = email, Password = Password, DisplayName = "Bench" });
            emails.Add(email);
        }
        var hashing = new PasswordHashing();
        var hash = hashing.Hash(Password);

        var kdf = await Measurements.RunAsync(concurrency, duration, (_, _) => Task.Run(() => hashing.Verify(hash, Password)));
        var logins = await Measurements.RunAsync(concurrency, duration, (worker, _) =>
            users.Client.LoginAsync(new LoginRequest { Email = emails[worker], Password = Password }).ResponseAsync);

        return $"""
            | Logins ({concurrency} concurrent, {duration.TotalSeconds:0} s each) | per second | p50 ms | p99 ms |
            |---|---:|---:|---:|
            | PBKDF2-SHA512 verify alone, {PasswordHashing.Iterations:N0} iterations (the bound) | {kdf.PerSecond:N1} | {kdf.P50Ms:N1} | {kdf.P99Ms:N1} |
            | Login RPC end to end (hash + PostgreSQL + ES256 token + refresh token) | {logins.PerSecond:N1} | {logins.P50Ms:N1} | {logins.P99Ms:N1} |
            | Login / bound | {logins.PerSecond / kdf.PerSecond:P0} | | |
            """;
    }
}
