namespace ECommerce.Grpc.Benchmarks;

/// <summary>
/// <c>serve-grpc --port N</c>: our server, set up exactly as the project's services are
/// (<see cref="GrpcServerExtensions.AddECommerceGrpc"/>: telemetry interceptor, gzip for clients
/// that accept it, size limits, health and reflection).
/// </summary>
public static class GrpcServerCommand
{
    public static Task<int> RunAsync(CommandLine options)
    {
        var builder = BenchHost.CreateBuilder(options);
        builder.Services.AddECommerceGrpc();
        var app = builder.Build();
        app.MapGrpcService<ProductBenchService>();
        app.MapECommerceGrpcDefaults();
        return BenchHost.RunAsync(app, "serve-grpc");
    }
}
