using ECommerce.AppHost.Tests.Harness;

namespace ECommerce.AppHost.Tests;

/// <summary>Tests that run the AppHost as its own process; one at a time, the machine is small.</summary>
[CollectionDefinition(Name)]
public sealed class AppHostProcessCollection : ICollectionFixture<RunningMesh>
{
    public const string Name = "AppHost processes";
}

/// <summary>One AppHost, running the mesh declared in ECommerce.AppHost/Program.cs, shared by the dashboard tests.</summary>
public sealed class RunningMesh : IAsyncLifetime
{
    public AppHostProcess Host { get; private set; } = null!;
    public DashboardClient Dashboard => Host.Dashboard;

    public async ValueTask InitializeAsync()
    {
        Host = await AppHostProcess.StartAsync(TestContext.Current.CancellationToken);
        await Host.WaitUntilReadyAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Tests change resources; each starts from a mesh that is whole again.</summary>
    public Task<IReadOnlyList<ResourceRow>> WaitUntilHealthyAsync() =>
        Dashboard.WaitUntilAllAsync(row => row.IsRunningAndHealthy, TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
