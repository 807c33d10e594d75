using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace ECommerce.ServiceDefaults.Persistence;

public static class PostgresExtensions
{
    /// <summary>
    /// The service's own PostgreSQL database from <c>ConnectionStrings__&lt;connectionName&gt;</c>: an
    /// <see cref="NpgsqlDataSource"/>, the SQL migrations embedded in <paramref name="migrations"/>
    /// (resources ending in .sql, applied in name order before anything else starts), and a readiness check.
    /// </summary>
    public static IHostApplicationBuilder AddPostgresDatabase(this IHostApplicationBuilder builder, string connectionName, Assembly migrations)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException(
                $"The connection string '{connectionName}' is missing. Set ConnectionStrings__{connectionName} (the AppHost does this for every service it starts).");
        builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString) { Name = connectionName }.Build());
        builder.Services.AddSingleton<IHostedService>(provider => new SqlMigrations(provider.GetRequiredService<NpgsqlDataSource>(), migrations));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration($"postgres-{connectionName}",
            provider => new PostgresHealthCheck(provider.GetRequiredService<NpgsqlDataSource>()), HealthStatus.Unhealthy, ["ready"]));
        return builder;
    }

    private sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var command = dataSource.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL is unreachable", e);
            }
        }
    }
}
