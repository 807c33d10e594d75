using ECommerce.AppHost.Orchestration;
using ECommerce.AppHost.Resources.Replicas;
using Npgsql;

namespace ECommerce.AppHost.Resources;

/// <summary>One PostgreSQL server, with a database per service that uses it.</summary>
public sealed class PostgresResource : Resource
{
    private readonly List<PostgresDatabaseResource> _databases = [];
    private readonly TaskCompletionSource<string> _adminConnectionString = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal PostgresResource(string name, int port) : base(name)
    {
        Port = port;
    }

    public override string Kind => "PostgreSQL";

    /// <summary>0 picks a free port for each run.</summary>
    public int Port { get; }

    public IReadOnlyList<PostgresDatabaseResource> Databases => _databases;

    /// <summary>Declares a database, created on first start, and reachable as <c>ConnectionStrings__&lt;name&gt;</c>.</summary>
    public PostgresDatabaseResource AddDatabase(string name)
    {
        var database = new PostgresDatabaseResource(name, this);
        _databases.Add(database);
        return database;
    }

    internal override IReadOnlyList<Replica> CreateReplicas(RunContext context) => [new PostgresReplica(this, context)];

    internal void PublishAdminConnectionString(string connectionString) => _adminConnectionString.TrySetResult(connectionString);

    internal async Task<string> GetDatabaseConnectionStringAsync(string database, CancellationToken cancellationToken) =>
        new NpgsqlConnectionStringBuilder(await _adminConnectionString.Task.WaitAsync(cancellationToken)) { Database = database }.ConnectionString;
}

/// <summary>A database on a <see cref="PostgresResource"/>; named after the service that owns it.</summary>
public sealed class PostgresDatabaseResource : IResourceWithConnectionString
{
    internal PostgresDatabaseResource(string name, PostgresResource server)
    {
        ConnectionName = ResourceNames.Validate(name);
        Server = server;
    }

    public string ConnectionName { get; }

    public PostgresResource Server { get; }

    public Resource Owner => Server;

    public Task<string> GetConnectionStringAsync(CancellationToken cancellationToken) =>
        Server.GetDatabaseConnectionStringAsync(ConnectionName, cancellationToken);
}
