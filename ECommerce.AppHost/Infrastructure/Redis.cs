using Aspire.Hosting.ApplicationModel;
using ECommerce.LocalInfrastructure.Processes;
using ECommerce.LocalInfrastructure.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ECommerce.AppHost.Infrastructure;

/// <summary>redis-server from Debian with its append-only file, run by the AppHost on 127.0.0.1 (or one named by <c>ConnectionStrings:&lt;name&gt;</c>).</summary>
public sealed class RedisServerResource(string name, ReferenceExpression connectionString) : Resource(name), IResourceWithConnectionString
{
    public ReferenceExpression ConnectionStringExpression => connectionString;
}

public static class RedisBuilderExtensions
{
    public static IResourceBuilder<RedisServerResource> AddRedis(this IDistributedApplicationBuilder builder, string name)
    {
        var existing = builder.Configuration.GetConnectionString(name);
        var data = DataPlacement.From(builder);
        var port = Loopback.FreePort();
        var password = data.AddPassword(builder, $"{name}-password", $"{name}/redis.password");
        var server = new RedisServerResource(name, existing is not null
            ? ReferenceExpression.Create($"{existing}")
            : ReferenceExpression.Create($"{Loopback.Host}:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)},password={password.Resource}"));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration($"{name}-ready",
            _ => new RedisHealthCheck(server), HealthStatus.Unhealthy, tags: null));

        return builder.AddResource(server)
            .WithHealthCheck($"{name}-ready")
            .StartsWithTheRun(async (_, run, cancellationToken) =>
            {
                if (existing is not null)
                {
                    return new StartedServer();
                }
                var started = await RedisServer.StartAsync(new RedisServerOptions
                {
                    Data = data.For(name),
                    Port = port,
                    AppendOnly = true,
                    Password = await password.Resource.GetValueAsync(cancellationToken),
                }, cancellationToken);
                run.Logger.LogInformation("Redis listening on {Host}:{Port}, log in {LogFile}", Loopback.Host, port, started.LogFile);
                return new StartedServer(started, started.LogFile, started.ProcessId);
            });
    }

    private sealed class RedisHealthCheck(RedisServerResource resource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var options = ConfigurationOptions.Parse(await resource.ConnectionStringExpression.GetValueAsync(cancellationToken) ?? "");
                options.AbortOnConnectFail = true;
                options.ConnectTimeout = 3000;
                await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
                await connection.GetDatabase().PingAsync();
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy(e.Message);
            }
        }
    }
}
