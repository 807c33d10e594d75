using System.Net;
using System.Net.Sockets;
using ECommerce.LocalInfrastructure.Postgres;
using ECommerce.LocalInfrastructure.Redis;

namespace ECommerce.LocalInfrastructure.Tests;

public sealed class ErrorReportingTests
{
    [Fact]
    public async Task A_missing_postgres_installation_names_the_binary_and_the_fix()
    {
        var error = await Assert.ThrowsAsync<InfrastructureException>(() =>
            PostgresServer.StartAsync(new PostgresServerOptions { BinDirectory = "/nonexistent/postgresql/bin" }, TestContext.Current.CancellationToken));

        Assert.Equal("PostgreSQL", error.Resource);
        Assert.Contains("'initdb' was not found in /nonexistent/postgresql/bin", error.Message);
        Assert.Contains("eng/setup.sh", error.Message);
    }

    [Fact]
    public async Task A_port_in_use_names_the_port_and_how_to_find_its_owner()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<InfrastructureException>(() =>
            RedisServer.StartAsync(new RedisServerOptions { Port = port }, TestContext.Current.CancellationToken));

        Assert.Equal("Redis", error.Resource);
        Assert.Contains($"port {port} on 127.0.0.1 is already in use", error.Message);
        Assert.Contains("ss -ltnp", error.Fix);
    }

    [Fact]
    public async Task A_server_that_dies_while_starting_reports_its_log()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"ecommerce-broken-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataDirectory);
        try
        {
            // An unknown directive makes redis-server exit at once with a message in its log.
            await File.WriteAllTextAsync(Path.Combine(dataDirectory, "redis.password"), "secret nonsense-directive yes", TestContext.Current.CancellationToken);

            var error = await Assert.ThrowsAsync<InfrastructureException>(() =>
                RedisServer.StartAsync(new RedisServerOptions { Data = DataLifetime.PersistentIn(dataDirectory) }, TestContext.Current.CancellationToken));

            Assert.Contains("exited while starting", error.Message);
            Assert.Contains("nonsense-directive", error.Message);
            Assert.Equal(Path.Combine(dataDirectory, "redis.log"), error.LogFile);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
