using Aspire.Hosting.ApplicationModel;
using ECommerce.LocalInfrastructure.Postgres;
using ECommerce.LocalInfrastructure.Processes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ECommerce.AppHost.Infrastructure;

/// <summary>PostgreSQL from Debian, run by the AppHost on 127.0.0.1 (or one named by <c>ConnectionStrings:&lt;name&gt;</c>).</summary>
public sealed class PostgresServerResource(string name, ReferenceExpression connectionString) : Resource(name), IResourceWithConnectionString
{
    public ReferenceExpression ConnectionStringExpression => connectionString;

    public List<PostgresDatabaseResource> Databases { get; } = [];

    /// <summary>The server the AppHost runs (none when the connection string names one elsewhere).</summary>
    internal PostgresServer? Server { get; set; }
}

/// <summary>A service's own database on a <see cref="PostgresServerResource"/>, created when the server starts.</summary>
public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource parent)
    : Resource(name), IResourceWithParent<PostgresServerResource>, IResourceWithConnectionString
{
    public PostgresServerResource Parent => parent;

    public string DatabaseName => databaseName;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{parent};Database={databaseName}");

    /// <summary>Services read their database as <c>ConnectionStrings__&lt;database&gt;</c>, whatever the resource is called.</summary>
    public string? ConnectionStringEnvironmentVariable => $"ConnectionStrings__{databaseName}";
}

public static class PostgresBuilderExtensions
{
    public static IResourceBuilder<PostgresServerResource> AddPostgres(this IDistributedApplicationBuilder builder, string name)
    {
        var existing = builder.Configuration.GetConnectionString(name);
        var data = DataPlacement.From(builder);
        var port = Loopback.FreePort();
        var password = data.AddPassword(builder, $"{name}-password", $"{name}.password");
        var server = new PostgresServerResource(name, existing is not null
            ? ReferenceExpression.Create($"{existing}")
            : ReferenceExpression.Create($"Host={Loopback.Host};Port={port.ToString(System.Globalization.CultureInfo.InvariantCulture)};Username=postgres;Password={password.Resource}"));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration($"{name}-ready",
            _ => new PostgresHealthCheck(server), HealthStatus.Unhealthy, tags: null));

        return builder.AddResource(server)
            .WithHealthCheck($"{name}-ready")
            .StartsWithTheRun(async (resource, run, cancellationToken) =>
            {
                PostgresServer? started = null;
                if (existing is null)
                {
                    started = await PostgresServer.StartAsync(new PostgresServerOptions
                    {
                        Data = data.For(name),
                        Port = port,
                        Password = await password.Resource.GetValueAsync(cancellationToken),
                    }, cancellationToken);
                    run.Logger.LogInformation("PostgreSQL listening on {Host}:{Port}, log in {LogFile}", Loopback.Host, port, started.LogFile);
                    resource.Server = started;
                }
                // Unpooled: an idle pooled connection of the AppHost's would hold up PostgreSQL's shutdown.
                var admin = new NpgsqlConnectionStringBuilder(await resource.ConnectionStringExpression.GetValueAsync(cancellationToken)) { Pooling = false }.ConnectionString;
                foreach (var database in resource.Databases)
                {
                    await PostgresDatabases.CreateAsync(admin, database.DatabaseName, cancellationToken);
                }
                return new StartedServer(started, started?.LogFile, started?.ProcessId);
            })
            .WithOutageCommands(
                stop: resource => resource.Server is { } server ? server.StopAsync() : null,
                start: (resource, cancellationToken) => resource.Server is { } server ? server.StartAgainAsync(cancellationToken) : null);
    }

    /// <summary>A database, named after the service that owns it: <c>ConnectionStrings__&lt;databaseName&gt;</c>.</summary>
    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> server, string name, string databaseName)
    {
        var database = new PostgresDatabaseResource(name, databaseName, server.Resource);
        server.Resource.Databases.Add(database);
        var builder = server.ApplicationBuilder;
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration($"{name}-ready",
            _ => new PostgresHealthCheck(database), HealthStatus.Unhealthy, tags: null));
        // Running as soon as its server is: the server creates it before it reports running.
        return builder.AddResource(database)
            .WithHealthCheck($"{name}-ready")
            .StartsWithTheRun(async (_, run, cancellationToken) =>
            {
                await run.Notifications.WaitForResourceHealthyAsync(server.Resource.Name, cancellationToken);
                return new StartedServer();
            });
    }

    private sealed class PostgresHealthCheck(IResourceWithConnectionString resource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var connectionString = new NpgsqlConnectionStringBuilder(await resource.ConnectionStringExpression.GetValueAsync(cancellationToken)) { Pooling = false, Timeout = 3 };
                await using var connection = new NpgsqlConnection(connectionString.ConnectionString);
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy(e.Message);
            }
        }
    }
}
