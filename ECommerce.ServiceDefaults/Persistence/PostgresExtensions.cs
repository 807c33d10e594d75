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
        var statementTimeout = builder.Configuration.GetValue("Postgres:StatementTimeout", DefaultStatementTimeout);
        builder.AddNpgsqlDataSource(connectionName,
            settings => settings.ConnectionString = WithStatementTimeout(settings.ConnectionString!, statementTimeout),
            dataSource => dataSource.Name = connectionName);
        builder.Services.AddSingleton<IHostedService>(provider => new SqlMigrations(provider.GetRequiredService<NpgsqlDataSource>(), migrations));
        return builder;
    }

    /// <summary>
    /// The longest any one statement of a service may run (<c>Postgres:StatementTimeout</c>). A call's deadline already
    /// cancels its statements (grpc-dotnet cancels the call's token, Npgsql cancels the statement on the server), but a
    /// call without a deadline, or work no call waits for, would otherwise run unbounded. 10 s is a third of the REST
    /// edge's 30 s call deadline: no statement of the shop needs a tenth of it (the heaviest, whole-catalog facet counts
    /// over 100,000 products, takes about 0.9 s), so one that runs longer is a bug or an attack, and PostgreSQL ends it.
    /// </summary>
    public static readonly TimeSpan DefaultStatementTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Sets PostgreSQL's <c>statement_timeout</c> for every session, enforced by the server, unless the connection string's
    /// Options already set one; the client's own command timeout is kept a little longer, so the server's error arrives first.
    /// </summary>
    private static string WithStatementTimeout(string connectionString, TimeSpan timeout)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (settings.Options?.Contains("statement_timeout", StringComparison.Ordinal) != true)
        {
            settings.Options = $"{settings.Options} -c statement_timeout={(long)timeout.TotalMilliseconds}".Trim();
            settings.CommandTimeout = Math.Max(settings.CommandTimeout, (int)Math.Ceiling(timeout.TotalSeconds) + 5);
        }
        return settings.ConnectionString;
    }
}
