using System.Diagnostics;
using ECommerce.LocalInfrastructure;

namespace ECommerce.AppHost.Orchestration;

/// <summary>
/// Starts one replica once what it waits for is healthy, watches its health, restarts it with back-off
/// when it exits on its own, and carries out stop, start and restart from the dashboard. Nothing that
/// happens to one replica is allowed to escape into the others.
/// </summary>
internal sealed class ReplicaSupervisor
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ProbeIntervalWhileHealthy = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ProbeIntervalUntilHealthy = TimeSpan.FromMilliseconds(250);

    private readonly Replica _replica;
    private readonly IReadOnlyList<ReplicaSupervisor> _waitsFor;
    private readonly RunContext _context;
    private readonly AppHostConsole _console;
    private readonly CancellationToken _shutdown;
    private readonly SemaphoreSlim _actions = new(1, 1);
    private readonly TaskCompletionSource _firstHealthy = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _failedBeforeHealthy = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();

    private CancellationTokenSource? _runStop;
    private Task _run = Task.CompletedTask;
    private IRunningReplica? _running;

    private ResourceState _state = ResourceState.Waiting;
    private ResourceHealth _health = ResourceHealth.Unknown;
    private int _restarts;
    private DateTimeOffset? _startedAt;
    private string? _logFile;
    private string? _error;

    /// <param name="shutdown">Fires when the AppHost begins to stop: from then on an exit is expected, never restarted.</param>
    public ReplicaSupervisor(Replica replica, IReadOnlyList<ReplicaSupervisor> waitsFor, RunContext context, AppHostConsole console, CancellationToken shutdown)
    {
        _shutdown = shutdown;
        _replica = replica;
        _waitsFor = waitsFor;
        _context = context;
        _console = console;
    }

    public string Name => _replica.Name;

    public bool CanStopAlone => _replica.CanStopAlone;

    /// <summary>Completes the first time the replica reports healthy; what waits for it starts then.</summary>
    public Task FirstHealthy => _firstHealthy.Task;

    /// <summary>Completes when the replica failed (to start, to get healthy, or by crashing) before it was ever healthy.</summary>
    public Task FailedBeforeHealthy => _failedBeforeHealthy.Task;

    public ResourceSnapshot Snapshot()
    {
        lock (_lock)
        {
            var running = _running;
            var isUp = _state == ResourceState.Running && running is not null;
            return new ResourceSnapshot(Name, _replica.Resource.Name, _replica.Resource.Kind, _state, _health,
                isUp ? running!.Endpoints : [], isUp ? running!.ProcessId : null, _restarts, isUp ? _startedAt : null,
                CanStopAlone, _logFile, _error);
        }
    }

    /// <summary>Starts the replica once everything it waits for has been healthy (the AppHost's start-up).</summary>
    public void Begin() => Launch();

    public async Task StartAsync()
    {
        await _actions.WaitAsync();
        try
        {
            if (_run.IsCompleted && !_shutdown.IsCancellationRequested)
            {
                Launch();
            }
        }
        finally
        {
            _actions.Release();
        }
    }

    public async Task StopAsync()
    {
        await _actions.WaitAsync();
        try
        {
            await StopCoreAsync();
        }
        finally
        {
            _actions.Release();
        }
    }

    public async Task RestartAsync()
    {
        await _actions.WaitAsync();
        try
        {
            await StopCoreAsync();
            if (!_shutdown.IsCancellationRequested)
            {
                Interlocked.Increment(ref _restarts);
                Launch();
            }
        }
        finally
        {
            _actions.Release();
        }
    }

    private void Launch()
    {
        _runStop?.Dispose();
        _runStop = CancellationTokenSource.CreateLinkedTokenSource(_shutdown);
        _run = RunAsync(_runStop.Token);
    }

    private async Task StopCoreAsync()
    {
        if (_runStop is not null)
        {
            await _runStop.CancelAsync();
        }
        await _run;
        if (_running is { } running)
        {
            Update(ResourceState.Stopping);
            await running.DisposeAsync();
            lock (_lock)
            {
                _running = null;
            }
        }
        Update(ResourceState.Stopped, ResourceHealth.Unknown);
    }

    /// <summary>
    /// The replica's life until it is stopped. Never throws: a failure is the replica's state, not the AppHost's.
    /// What it waits for needs to have been healthy once; started again later, it does not wait for it again.
    /// </summary>
    private async Task RunAsync(CancellationToken stop)
    {
        try
        {
            if (_waitsFor.Any(dependency => !dependency.FirstHealthy.IsCompleted))
            {
                Update(ResourceState.Waiting);
                await Task.WhenAll(_waitsFor.Select(dependency => dependency.FirstHealthy)).WaitAsync(stop);
            }

            var consecutiveCrashes = 0;
            while (true)
            {
                Update(ResourceState.Starting, ResourceHealth.Unknown);
                IRunningReplica running;
                try
                {
                    running = await _replica.StartAsync(stop);
                }
                catch (InfrastructureException e)
                {
                    Fail(e.Message, e.LogFile);
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Fail(new InfrastructureException(Name, $"could not be started: {e.Message}",
                        "read the exception above; this is a fault of the AppHost or its configuration.").Message, null);
                    return;
                }

                lock (_lock)
                {
                    _running = running;
                    _state = ResourceState.Running;
                    _startedAt = DateTimeOffset.UtcNow;
                    _logFile = running.LogFile ?? _logFile;
                    _error = null;
                }
                _console.Info($"{Name}: started" + (running.ProcessId is { } pid ? $" (pid {pid})" : " (inside the AppHost)"));

                var uptime = await SuperviseAsync(running, stop);

                lock (_lock)
                {
                    _running = null;
                    if (!stop.IsCancellationRequested)
                    {
                        // It exited on its own: it is down from this moment, whatever the last probe said.
                        _state = ResourceState.Restarting;
                        _health = ResourceHealth.Unhealthy;
                    }
                }
                await running.DisposeAsync();
                // Ctrl+C in a terminal signals every process of the terminal's process group at once.
                stop.ThrowIfCancellationRequested();
                consecutiveCrashes = uptime >= RestartBackoff.StableAfter ? 1 : consecutiveCrashes + 1;
                var delay = RestartBackoff.Delay(consecutiveCrashes);
                var message = new InfrastructureException(Name,
                    $"exited unexpectedly after {uptime.TotalSeconds:0.0} s; restarting in {delay.TotalSeconds:0} s.",
                    "read its log; a replica that keeps exiting is restarted with a growing delay (at most 30 s).",
                    running.LogFile).Message;
                _console.Error(message);
                lock (_lock)
                {
                    _state = ResourceState.Restarting;
                    _health = ResourceHealth.Unhealthy;
                    _error = message;
                }
                if (!_firstHealthy.Task.IsCompleted)
                {
                    _failedBeforeHealthy.TrySetResult();
                }
                await Task.Delay(delay, stop);
                Interlocked.Increment(ref _restarts);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped on purpose; StopCoreAsync stops what is running.
        }
    }

    /// <summary>Probes health until the replica exits; returns how long it ran. Throws when stopped.</summary>
    private async Task<TimeSpan> SuperviseAsync(IRunningReplica running, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        var everHealthy = false;
        var timeoutReported = false;
        while (!running.Exited.IsCompleted)
        {
            var healthy = await ProbeAsync(running, stop);
            stop.ThrowIfCancellationRequested();
            if (running.Exited.IsCompleted)
            {
                break;
            }
            if (healthy)
            {
                everHealthy = true;
                lock (_lock)
                {
                    _health = ResourceHealth.Healthy;
                    _error = null;
                }
                if (_firstHealthy.TrySetResult())
                {
                    _console.Info($"{Name}: healthy");
                }
            }
            else if (everHealthy || timeoutReported)
            {
                Update(ResourceState.Running, ResourceHealth.Unhealthy);
            }
            else if (clock.Elapsed > _context.Options.HealthTimeout)
            {
                timeoutReported = true;
                var message = new InfrastructureException(Name,
                    $"is running but did not report healthy within {_context.Options.HealthTimeout.TotalSeconds:0} s" +
                    (running.LastProbeFailure is { } failure ? $" (last probe: {failure})." : "."),
                    "read its log: a service is healthy once every health check it registers passes (grpc.health.v1, service \"\"); " +
                    "a slow machine may need --health-timeout <seconds>.",
                    running.LogFile).Message;
                _console.Error(message);
                lock (_lock)
                {
                    _health = ResourceHealth.Unhealthy;
                    _error = message;
                }
                _failedBeforeHealthy.TrySetResult();
            }
            var interval = healthy ? ProbeIntervalWhileHealthy : ProbeIntervalUntilHealthy;
            await Task.WhenAny(running.Exited, Task.Delay(interval, stop));
            stop.ThrowIfCancellationRequested();
        }
        return clock.Elapsed;
    }

    private static async Task<bool> ProbeAsync(IRunningReplica running, CancellationToken stop)
    {
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(stop);
        probe.CancelAfter(ProbeTimeout);
        try
        {
            return await running.IsHealthyAsync(probe.Token);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return false;
        }
    }

    private void Fail(string message, string? logFile)
    {
        _console.Error(message);
        lock (_lock)
        {
            _state = ResourceState.FailedToStart;
            _health = ResourceHealth.Unknown;
            _error = message;
            _logFile = logFile ?? _logFile;
        }
        _failedBeforeHealthy.TrySetResult();
    }

    private void Update(ResourceState state, ResourceHealth? health = null)
    {
        lock (_lock)
        {
            _state = state;
            _health = health ?? _health;
        }
    }
}
