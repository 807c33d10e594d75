using ECommerce.AppHost.Hosting;
using ECommerce.AppHost.Orchestration;
using ECommerce.AppHost.Tests.Harness;

namespace ECommerce.AppHost.Tests.Orchestration;

public sealed class EndpointAllocationTests
{
    private const int Askers = 8;

    [Fact]
    public async Task Replicas_starting_together_are_all_told_the_same_ports()
    {
        var builder = new DistributedApplicationBuilder(InProcessAppHost.TemporaryOptions(), RepositoryLayout.Locate(),
            new AppHostConsole(new OutputLinesWriter(new OutputLines()), new OutputLinesWriter(new OutputLines())));
        var catalog = builder.AddProject("catalog", "services/Gateway/ECommerce.Gateway.csproj").WithReplicas(2);

        // Each replica, its health probe and its callers read the addresses when they start, all at once.
        using var together = new Barrier(Askers);
        var seen = await Task.WhenAll(Enumerable.Range(0, Askers).Select(_ => Task.Run(() =>
        {
            together.SignalAndWait(TestContext.Current.CancellationToken);
            return string.Join(' ', catalog.Addresses.SelectMany(replica => replica.Select(address => address.Url)));
        })));

        var addresses = Assert.Single(seen.Distinct());
        Assert.Equal(2, addresses.Split(' ').Distinct().Count());
    }
}
