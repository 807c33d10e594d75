namespace ECommerce.Grpc.Benchmarks;

/// <summary><c>serve-grpc --port N</c>: our server, configured the way the project's services are.</summary>
public static class GrpcServerCommand
{
    public static Task<int> RunAsync(CommandLine options)
    {
        var builder = BenchHost.CreateBuilder(options);
        builder.Services.AddSingleton<TelemetryInterceptor>();
        builder.Services.AddGrpc(grpc => grpc.Interceptors.Add<TelemetryInterceptor>());
        var app = builder.Build();
        app.MapGrpcService<ProductBenchService>();
        return BenchHost.RunAsync(app, "serve-grpc");
    }
}
