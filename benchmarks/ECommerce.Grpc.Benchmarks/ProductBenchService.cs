using ECommerce.Grpc.Benchmarks.Contract;
using Grpc.Core;

namespace ECommerce.Grpc.Benchmarks;

/// <summary>The benchmarked method: a catalogue lookup answered from memory, so the figures measure the gRPC stack.</summary>
public sealed class ProductBenchService : ProductBench.ProductBenchBase
{
    public override Task<Product> GetProduct(GetProductRequest request, ServerCallContext context) =>
        Task.FromResult(Fixtures.Product);
}
