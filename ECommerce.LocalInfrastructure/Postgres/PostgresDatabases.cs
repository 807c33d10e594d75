using Npgsql;

namespace ECommerce.LocalInfrastructure.Postgres;

/// <summary>One database per service (and per test), created on demand on any server we administer.</summary>
public static class PostgresDatabases
{
    /// <summary>Creates <paramref name="name"/> unless it exists, and returns its connection string.</summary>
    /// <param name="adminConnectionString">A connection string of a role allowed to create databases.</param>
    public static async Task<string> CreateAsync(string adminConnectionString, string name, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 63 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new ArgumentException($"'{name}' is not a valid database name: use 1-63 ASCII letters, digits, '_' or '-'.", nameof(name));
        }
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = name } } };
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            try
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
            {
                // Created concurrently by another caller: the outcome is the same.
            }
        }
        return new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
    }
}
