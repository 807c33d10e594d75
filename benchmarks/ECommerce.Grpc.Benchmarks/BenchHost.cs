namespace ECommerce.Grpc.Benchmarks;

/// <summary>
/// The host every .NET server here shares, so our gRPC server and the bare-Kestrel ceiling differ
/// only in what runs inside a request.
/// </summary>
public static class BenchHost
{
    public static WebApplicationBuilder CreateBuilder(CommandLine options)
    {
        var port = options.Integer("port");
        var builder = WebApplication.CreateBuilder();
        // Per-request console logging would cost more than the request; warnings still show.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.ListenGrpcOnLoopback(port);
        });
        return builder;
    }

    public static async Task<int> RunAsync(WebApplication app, string name)
    {
        await app.StartAsync();
        Console.WriteLine($"{name}: listening on {string.Join(", ", app.Urls)}");
        _ = Warmup.ReportWhenJitSettlesAsync(name, app.Lifetime.ApplicationStopping);
        await app.WaitForShutdownAsync();
        return 0;
    }
}
