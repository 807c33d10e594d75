using System.Reflection;
using Xunit.Sdk;
using Xunit.v3;

namespace ECommerce.Grpc.Transcoding.Tests.Hosting;

/// <summary>Runs a theory once per <see cref="RestEdge"/>: the same REST behaviour is expected from both.</summary>
public sealed class BothEdgesAttribute : DataAttribute
{
    public override ValueTask<IReadOnlyCollection<ITheoryDataRow>> GetData(MethodInfo testMethod, DisposalTracker disposalTracker) =>
        new([.. Enum.GetValues<RestEdge>().Select(edge => new TheoryDataRow<RestEdge>(edge))]);

    public override bool SupportsDiscoveryEnumeration() => true;
}
