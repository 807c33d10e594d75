using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace ECommerce.ServiceDefaults.Persistence;

public static class PostgresExtensions
{
    /// <summary>
    /// The service's own PostgreSQL database from <c>ConnectionStrings__&lt;connectionName&gt;</c>, through
    /// Aspire's Npgsql integration (an <see cref="NpgsqlDataSource"/>, its health check, traces and metrics),
    /// and the SQL migrations embedded in <paramref name="migrations"/> (resources ending in .sql, applied in
    /// name order before anything else starts).
    /// </summary>
    public static IHostApplicationBuilder AddPostgresDatabase(this IHostApplicationBuilder builder, string connectionName, Assembly migrations)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(connectionName)))
        {
            throw new InvalidOperationException(
                $"The connection string '{connectionName}' is missing. Set ConnectionStrings__{connectionName} (the AppHost does this for every service it starts).");
        }
        builder.AddNpgsqlDataSource(connectionName, configureDataSourceBuilder: dataSource => dataSource.Name = connectionName);
        builder.Services.AddSingleton<IHostedService>(provider => new SqlMigrations(provider.GetRequiredService<NpgsqlDataSource>(), migrations));
        return builder;
    }
}
