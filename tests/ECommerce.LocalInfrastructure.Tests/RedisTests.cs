using ECommerce.LocalInfrastructure.Redis;
using ECommerce.Testing;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace ECommerce.LocalInfrastructure.Tests;

public sealed class RedisTests(TestInfrastructure infrastructure)
{
    [Fact]
    public async Task A_value_survives_a_restart_through_the_append_only_file()
    {
        await using var redis = await RedisServer.StartAsync(new RedisServerOptions { AppendOnly = true }, TestContext.Current.CancellationToken);
        using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
        {
            await connection.GetDatabase().StringSetAsync("cart:42", "3 x SKU-1");
        }
        var pidBefore = redis.ProcessId;

        await redis.StopAsync();
        await redis.StartAsync(TestContext.Current.CancellationToken);

        using var reconnected = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        Assert.NotEqual(pidBefore, redis.ProcessId);
        Assert.Equal("3 x SKU-1", (string?)await reconnected.GetDatabase().StringGetAsync("cart:42"));
    }

    [Fact]
    public async Task Without_the_password_the_server_refuses_commands()
    {
        var connectionString = await infrastructure.RedisConnectionStringAsync(TestContext.Current.CancellationToken);
        var withoutPassword = ConfigurationOptions.Parse(connectionString);
        withoutPassword.Password = null;
        withoutPassword.AbortOnConnectFail = false;
        using var connection = await ConnectionMultiplexer.ConnectAsync(withoutPassword);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => connection.GetDatabase().StringGetAsync("anything"));

        Assert.True(error is RedisConnectionException or RedisServerException, error.ToString());
    }

    [Fact]
    public async Task Tests_sharing_the_server_stay_apart_through_key_prefixes()
    {
        using var connection = await ConnectionMultiplexer.ConnectAsync(await infrastructure.RedisConnectionStringAsync(TestContext.Current.CancellationToken));
        var mine = connection.GetDatabase().WithKeyPrefix(TestInfrastructure.UniqueName("redis") + ":");
        var theirs = connection.GetDatabase().WithKeyPrefix(TestInfrastructure.UniqueName("redis") + ":");

        await mine.StringSetAsync("cart", "mine");
        await theirs.StringSetAsync("cart", "theirs");

        Assert.Equal("mine", (string?)await mine.StringGetAsync("cart"));
        Assert.Equal("theirs", (string?)await theirs.StringGetAsync("cart"));
    }
}
