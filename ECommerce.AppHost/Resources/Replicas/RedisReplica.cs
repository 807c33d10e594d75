using ECommerce.AppHost.Orchestration;
using ECommerce.LocalInfrastructure;
using ECommerce.LocalInfrastructure.Processes;
using ECommerce.LocalInfrastructure.Redis;

namespace ECommerce.AppHost.Resources.Replicas;

/// <summary>redis-server on a port kept across restarts, data and append-only file in &lt;data&gt;/redis.</summary>
internal sealed class RedisReplica(RedisResource resource, RunContext context) : Replica(resource.Name, resource)
{
    private readonly int _port = resource.Port == 0 ? Loopback.FreePort() : resource.Port;

    public override async Task<IRunningReplica> StartAsync(CancellationToken cancellationToken)
    {
        var server = await RedisServer.StartAsync(new RedisServerOptions
        {
            Data = DataLifetime.PersistentIn(Path.Combine(context.Options.DataDirectory, "redis")),
            Port = _port,
            AppendOnly = true,
        }, cancellationToken);
        resource.PublishConnectionString(server.ConnectionString);
        return new RunningServer(server.ProcessId!.Value, server.LogFile, "tcp", _port, server.DisposeAsync);
    }
}
