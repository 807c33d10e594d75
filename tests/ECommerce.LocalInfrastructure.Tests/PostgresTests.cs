using ECommerce.Testing;
using Npgsql;

namespace ECommerce.LocalInfrastructure.Tests;

public sealed class PostgresTests(TestInfrastructure infrastructure)
{
    [Fact]
    public async Task A_row_written_is_read_back_from_a_real_server()
    {
        var connectionString = await infrastructure.CreateDatabaseAsync("roundtrip", TestContext.Current.CancellationToken);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using (var create = new NpgsqlCommand("CREATE TABLE products (sku text PRIMARY KEY, price numeric NOT NULL); INSERT INTO products VALUES ('SKU-1', 12.50)", connection))
        {
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        await using var read = new NpgsqlCommand("SELECT price FROM products WHERE sku = 'SKU-1'", connection);

        var price = await read.ExecuteScalarAsync(TestContext.Current.CancellationToken);

        Assert.Equal(12.50m, price);
        Assert.StartsWith("PostgreSQL 15", (string)(await new NpgsqlCommand("SELECT version()", connection).ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
    }

    [Fact]
    public async Task Each_test_gets_its_own_empty_database()
    {
        var first = new NpgsqlConnectionStringBuilder(await infrastructure.CreateDatabaseAsync("isolated", TestContext.Current.CancellationToken));
        var second = new NpgsqlConnectionStringBuilder(await infrastructure.CreateDatabaseAsync("isolated", TestContext.Current.CancellationToken));
        await using var connection = new NpgsqlConnection(first.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await new NpgsqlCommand("CREATE TABLE only_in_first (id int)", connection).ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        await using var other = new NpgsqlConnection(second.ConnectionString);
        await other.OpenAsync(TestContext.Current.CancellationToken);

        var tablesInSecond = await new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_first'", other).ExecuteScalarAsync(TestContext.Current.CancellationToken);

        Assert.NotEqual(first.Database, second.Database);
        Assert.Equal(0L, tablesInSecond);
    }

    [Fact]
    public async Task The_server_listens_on_loopback_only_and_requires_a_password()
    {
        var admin = new NpgsqlConnectionStringBuilder(await infrastructure.PostgresAdminConnectionStringAsync(TestContext.Current.CancellationToken));
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);

        var listenAddresses = await new NpgsqlCommand("SHOW listen_addresses", connection).ExecuteScalarAsync(TestContext.Current.CancellationToken);
        var wrongPassword = new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Password = "wrong", Pooling = false };
        await using var intruder = new NpgsqlConnection(wrongPassword.ConnectionString);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => intruder.OpenAsync(TestContext.Current.CancellationToken));

        Assert.Equal("127.0.0.1", listenAddresses);
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
    }

    [Fact]
    public async Task Database_names_that_could_inject_sql_are_refused()
    {
        var admin = await infrastructure.PostgresAdminConnectionStringAsync(TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            LocalInfrastructure.Postgres.PostgresDatabases.CreateAsync(admin, "x\"; DROP DATABASE postgres; --", TestContext.Current.CancellationToken));

        Assert.Contains("not a valid database name", error.Message);
    }
}

/// <summary>A server of its own: the test stops it, which the shared server must never be.</summary>
public sealed class PostgresOutageTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_stopped_server_refuses_connections_and_started_again_serves_the_data_committed_before_on_the_same_port()
    {
        await using var server = await Postgres.PostgresServer.StartAsync(cancellationToken: Cancellation);
        var connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString()) { Pooling = false, Timeout = 3 }.ConnectionString;
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(Cancellation);
            await new NpgsqlCommand("CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders VALUES (1), (2)", connection).ExecuteNonQueryAsync(Cancellation);
        }

        await server.StopAsync();

        Assert.True(server.IsStopped);
        await using (var refused = new NpgsqlConnection(connectionString))
        {
            await Assert.ThrowsAsync<NpgsqlException>(() => refused.OpenAsync(Cancellation));
        }

        await server.StartAgainAsync(Cancellation);

        Assert.False(server.IsStopped);
        await using var again = new NpgsqlConnection(connectionString);
        await again.OpenAsync(Cancellation);
        Assert.Equal(2L, await new NpgsqlCommand("SELECT count(*) FROM orders", again).ExecuteScalarAsync(Cancellation));
    }
}
