using ECommerce.AppHost.Resources;

namespace ECommerce.AppHost.Orchestration;

/// <summary>
/// Runs every declared resource: starts each as soon as what it waits for is healthy, says when the
/// whole mesh is ready, and stops everything in the reverse of the start order.
/// </summary>
internal sealed class Orchestrator
{
    private readonly IReadOnlyList<IReadOnlyList<ReplicaSupervisor>> _byResource;
    private readonly AppHostConsole _console;
    private readonly CancellationTokenSource _shutdown = new();

    /// <param name="resources">In start order: everything a resource depends on comes before it.</param>
    public Orchestrator(IReadOnlyList<Resource> resources, RunContext context, AppHostConsole console)
    {
        _console = console;
        var supervisors = new Dictionary<Resource, IReadOnlyList<ReplicaSupervisor>>();
        foreach (var resource in resources)
        {
            var waitsFor = resource.WaitsFor.SelectMany(dependency => supervisors[dependency]).ToList();
            supervisors[resource] = resource.CreateReplicas(context)
                .Select(replica => new ReplicaSupervisor(replica, waitsFor, context, console, _shutdown.Token))
                .ToList();
        }
        _byResource = resources.Select(resource => supervisors[resource]).ToList();
        Supervisors = _byResource.SelectMany(replicas => replicas).ToList();
    }

    public IReadOnlyList<ReplicaSupervisor> Supervisors { get; }

    public ReplicaSupervisor? Find(string name) => Supervisors.FirstOrDefault(supervisor => supervisor.Name == name);

    /// <summary>Completes once every replica has been healthy at least once.</summary>
    public Task AllHealthy => Task.WhenAll(Supervisors.Select(supervisor => supervisor.FirstHealthy));

    public void Start()
    {
        foreach (var supervisor in Supervisors)
        {
            supervisor.Begin();
        }
    }

    /// <summary>
    /// Says "Not ready" as soon as one replica fails before it was ever healthy (its message is already
    /// printed), and <paramref name="onReady"/> once every replica is healthy — even if that comes later.
    /// </summary>
    public async Task ReportReadinessAsync(Action onReady, CancellationToken cancellationToken)
    {
        var allHealthy = AllHealthy;
        var firstFailure = Task.WhenAny(Supervisors.Select(supervisor => supervisor.FailedBeforeHealthy));
        if (await Task.WhenAny(allHealthy, firstFailure).WaitAsync(cancellationToken) != allHealthy)
        {
            var failed = Supervisors.Where(supervisor => supervisor.FailedBeforeHealthy.IsCompleted).Select(supervisor => supervisor.Name);
            _console.Info($"Not ready: {string.Join(", ", failed)} failed (see the errors above, or the dashboard). " +
                "The rest keeps running; fix the cause and start it again from the dashboard.");
            await allHealthy.WaitAsync(cancellationToken);
        }
        onReady();
    }

    /// <summary>Stops resources in reverse start order, the replicas of one resource together.</summary>
    public async Task StopAsync()
    {
        await _shutdown.CancelAsync();
        foreach (var replicas in _byResource.Reverse())
        {
            await Task.WhenAll(replicas.Select(supervisor => supervisor.StopAsync()));
            foreach (var supervisor in replicas)
            {
                _console.Info($"{supervisor.Name}: stopped");
            }
        }
    }
}
