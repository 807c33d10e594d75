using ECommerce.AppHost.Orchestration;
using ECommerce.AppHost.Resources.Replicas;

namespace ECommerce.AppHost.Resources;

/// <summary>One redis-server with its append-only file on, reachable as <c>ConnectionStrings__&lt;name&gt;</c>.</summary>
public sealed class RedisResource : Resource, IResourceWithConnectionString
{
    private readonly TaskCompletionSource<string> _connectionString = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal RedisResource(string name, int port) : base(name)
    {
        Port = port;
    }

    public override string Kind => "Redis";

    /// <summary>0 picks a free port for each run.</summary>
    public int Port { get; }

    public string ConnectionName => Name;

    public Resource Owner => this;

    public Task<string> GetConnectionStringAsync(CancellationToken cancellationToken) => _connectionString.Task.WaitAsync(cancellationToken);

    internal void PublishConnectionString(string connectionString) => _connectionString.TrySetResult(connectionString);

    internal override IReadOnlyList<Replica> CreateReplicas(RunContext context) => [new RedisReplica(this, context)];
}
