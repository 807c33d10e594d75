using ECommerce.AppHost.Orchestration;
using ECommerce.LocalInfrastructure;
using ECommerce.LocalInfrastructure.Postgres;
using ECommerce.LocalInfrastructure.Processes;
using Npgsql;

namespace ECommerce.AppHost.Resources.Replicas;

/// <summary>PostgreSQL on a port kept across restarts, data in &lt;data&gt;/postgres, every declared database created.</summary>
internal sealed class PostgresReplica(PostgresResource resource, RunContext context) : Replica(resource.Name, resource)
{
    private readonly int _port = resource.Port == 0 ? Loopback.FreePort() : resource.Port;

    public override async Task<IRunningReplica> StartAsync(CancellationToken cancellationToken)
    {
        var server = await PostgresServer.StartAsync(new PostgresServerOptions
        {
            Data = DataLifetime.PersistentIn(Path.Combine(context.Options.DataDirectory, "postgres")),
            Port = _port,
        }, cancellationToken);
        try
        {
            // Unpooled: an idle pooled connection of the AppHost's would hold up PostgreSQL's shutdown,
            // which waits for every session to end.
            var adminConnectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString()) { Pooling = false }.ConnectionString;
            foreach (var database in resource.Databases)
            {
                await PostgresDatabases.CreateAsync(adminConnectionString, database.ConnectionName, cancellationToken);
            }
        }
        catch (NpgsqlException e)
        {
            await server.DisposeAsync();
            throw new InfrastructureException(Name, $"could not create its databases: {e.Message}",
                "read the log; the data directory may be damaged (delete it to start over).", server.LogFile, e);
        }
        resource.PublishAdminConnectionString(server.ConnectionString());
        return new RunningServer(server.ProcessId, server.LogFile, "tcp", _port, server.DisposeAsync);
    }
}
