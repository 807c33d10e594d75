using System.Reflection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace ECommerce.ServiceDefaults.Persistence;

/// <summary>
/// Applies a service's embedded .sql migrations once each, in name order (0001_..., 0002_...),
/// before any other hosted service starts. Replicas starting together take turns.
/// </summary>
internal sealed class SqlMigrations(NpgsqlDataSource dataSource, Assembly migrations) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync("""
            SELECT pg_advisory_xact_lock(4242001);
            CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
            """, connection, transaction, cancellationToken);

        var applied = new HashSet<string>();
        await using (var read = new NpgsqlCommand("SELECT id FROM schema_migrations", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }
        }

        foreach (var resource in migrations.GetManifestResourceNames().Where(name => name.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var id = resource[..^4].Split('.').Last();
            if (applied.Contains(id))
            {
                continue;
            }
            await using var stream = migrations.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            await ExecuteAsync(await reader.ReadToEndAsync(cancellationToken), connection, transaction, cancellationToken);
            await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (id) VALUES ($1)", connection, transaction) { Parameters = { new() { Value = id } } };
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task ExecuteAsync(string sql, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
