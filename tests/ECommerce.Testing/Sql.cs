using Npgsql;

namespace ECommerce.Testing;

/// <summary>Reads a service's database directly, to check what it stored.</summary>
public static class Sql
{
    /// <summary>The first column of the first row; parameters bind to $1, $2, … in order.</summary>
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
