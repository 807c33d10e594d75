using ECommerce.ServiceDefaults;

namespace ECommerce.Grpc.Benchmarks;

/// <summary>Our server, in the two set-ups the benchmark compares with the ceiling.</summary>
public static class GrpcServerCommand
{
    /// <summary>
    /// <c>serve-grpc --port N</c>: ECommerce.Grpc's server conventions alone
    /// (<see cref="GrpcServerExtensions.AddECommerceGrpc"/>: telemetry interceptor, gzip for callers
    /// that accept it, size limits, health and reflection).
    /// </summary>
    public static Task<int> RunAsync(CommandLine options)
    {
        var builder = BenchHost.CreateBuilder(options);
        builder.Services.AddECommerceGrpc();
        var app = builder.Build();
        app.MapGrpcService<ProductBenchService>();
        app.MapECommerceGrpcDefaults();
        return BenchHost.RunAsync(app, "serve-grpc");
    }

    /// <summary>
    /// <c>serve-service --port N</c>: set up as a deployed service is, through
    /// <see cref="ServiceDefaultsExtensions.AddServiceDefaults"/>, which adds OpenTelemetry tracing,
    /// metrics and logging (nothing is exported: no OTLP endpoint is configured) to the above.
    /// </summary>
    public static Task<int> RunServiceAsync(CommandLine options)
    {
        var builder = BenchHost.CreateBuilder(options);
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.MapGrpcService<ProductBenchService>();
        app.MapDefaultEndpoints();
        return BenchHost.RunAsync(app, "serve-service");
    }
}
