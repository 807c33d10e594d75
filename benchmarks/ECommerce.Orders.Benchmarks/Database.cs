using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ECommerce.LocalInfrastructure.Postgres;
using Npgsql;

namespace ECommerce.Orders.Benchmarks;

/// <summary>What the database does: committed transactions per service database, and pgbench's ceiling on the same server.</summary>
internal static partial class Database
{
    /// <summary>
    /// PostgreSQL 15 backends flush their statistics when they go idle at most once a second, and an idle backend's last ones
    /// within 10 s (PGSTAT_IDLE_INTERVAL): a count read sooner after the load would miss some of it.
    /// </summary>
    public static readonly TimeSpan StatisticsSettle = TimeSpan.FromSeconds(11);

    /// <summary>Order statuses of a sale that stands: paid, and every step after it short of a cancellation or refund.</summary>
    public static readonly string[] PaidStatuses = ["paid", "fulfilling", "shipped", "delivered"];

    /// <summary>How many orders Orders' database holds, and how many of them are still in their checkout (saga not done).</summary>
    public static async Task<(long All, long Unfinished)> CheckoutsAsync(NpgsqlConnection orders)
    {
        await using var command = new NpgsqlCommand("SELECT count(*), count(*) FILTER (WHERE saga_state <> 'done') FROM orders", orders);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>xact_commit of each service database, as the statistics system has them now.</summary>
    public static async Task<Dictionary<string, long>> CommitsAsync(RunningShop shop)
    {
        await using var connection = shop.Database("postgres");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT datname, xact_commit FROM pg_stat_database WHERE datname = ANY($1)", connection)
        {
            Parameters = { new() { Value = RunningShop.Databases } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        var commits = RunningShop.Databases.ToDictionary(name => name, _ => 0L);
        while (await reader.ReadAsync())
        {
            commits[reader.GetString(0)] = reader.GetInt64(1);
        }
        return commits;
    }

    public static Dictionary<string, long> Minus(Dictionary<string, long> after, Dictionary<string, long> before) =>
        after.ToDictionary(entry => entry.Key, entry => entry.Value - before.GetValueOrDefault(entry.Key));

    /// <summary>
    /// pgbench's TPC-B-like transaction (three updates, an insert and a select) with <paramref name="clients"/> clients for
    /// <paramref name="seconds"/>, on a database of its own on the shop's server, at scale <paramref name="clients"/> (one
    /// branch row per client, so clients do not queue on one row). Returns transactions per second.
    /// </summary>
    public static async Task<double> PgbenchTpsAsync(RunningShop shop, int clients, int seconds)
    {
        var database = $"pgbench_{Guid.NewGuid():N}";
        await using (var connection = shop.Database("postgres"))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
            await create.ExecuteNonQueryAsync();
        }
        try
        {
            await PgbenchAsync(shop, database, "-i", "-q", "-s", clients.ToString(CultureInfo.InvariantCulture));
            var output = await PgbenchAsync(shop, database, "-n", "-c", clients.ToString(CultureInfo.InvariantCulture),
                "-j", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), "-T", seconds.ToString(CultureInfo.InvariantCulture));
            var match = Tps().Match(output);
            return match.Success
                ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"pgbench printed no tps:\n{output}");
        }
        finally
        {
            await using var connection = shop.Database("postgres");
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task<string> PgbenchAsync(RunningShop shop, string database, params string[] arguments)
    {
        var server = new NpgsqlConnectionStringBuilder(shop.PostgresConnectionString);
        var startInfo = new ProcessStartInfo(Path.Combine(PostgresServer.FindBinDirectory(), "pgbench"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-h", server.Host!, "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", server.Username! }.Concat(arguments).Append(database))
        {
            startInfo.ArgumentList.Add(argument);
        }
        // The password in the environment, not on the command line where any local user could read it.
        startInfo.Environment["PGPASSWORD"] = server.Password;
        using var pgbench = Process.Start(startInfo)!;
        var output = pgbench.StandardOutput.ReadToEndAsync();
        var errors = pgbench.StandardError.ReadToEndAsync();
        await pgbench.WaitForExitAsync();
        return pgbench.ExitCode == 0
            ? await output + await errors
            : throw new InvalidOperationException($"pgbench {string.Join(' ', arguments)} exited with {pgbench.ExitCode}:\n{await errors}");
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();
}
