using ECommerce.AppHost.Orchestration;
using ECommerce.LocalInfrastructure.Processes;

namespace ECommerce.AppHost.Resources.Replicas;

/// <summary>A started PostgreSQL or Redis: healthy while its process runs and its port accepts connections.</summary>
internal sealed class RunningServer : IRunningReplica
{
    private readonly int _port;
    private readonly Func<ValueTask> _stop;
    private readonly CancellationTokenSource _watch = new();

    public RunningServer(int processId, string logFile, string scheme, int port, Func<ValueTask> stop)
    {
        ProcessId = processId;
        LogFile = logFile;
        Endpoints = [new ResourceEndpoint(scheme, $"{scheme}://{Loopback.Host}:{port}")];
        _port = port;
        _stop = stop;
        Exited = ProcessWatch.WhenExitedAsync(processId, _watch.Token);
    }

    public int? ProcessId { get; }
    public string? LogFile { get; }
    public IReadOnlyList<ResourceEndpoint> Endpoints { get; }
    public Task Exited { get; }

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken) =>
        ProcessWatch.IsRunning(ProcessId!.Value) && await ProcessWatch.AcceptsConnectionsAsync(_port, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stop();
        await _watch.CancelAsync();
        await Exited;
        _watch.Dispose();
    }
}
