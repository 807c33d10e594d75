using System.IO.Pipelines;

namespace ECommerce.Grpc.Benchmarks;

/// <summary>
/// <c>serve-kestrel --port N</c>: the ceiling. The same Kestrel host as our gRPC server, but a
/// request only reads its body and gets the pre-serialized response frame and a grpc-status 0
/// trailer — what a gRPC server costs with no framework, routing, serialization or interceptors.
/// </summary>
public static class KestrelCeilingCommand
{
    public static Task<int> RunAsync(CommandLine options)
    {
        var app = BenchHost.CreateBuilder(options).Build();
        var response = Fixtures.Frame(Fixtures.Product);
        app.Run(async context =>
        {
            await DrainAsync(context.Request.BodyReader);
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(response);
            context.Response.AppendTrailer("grpc-status", "0");
        });
        return BenchHost.RunAsync(app, "serve-kestrel");
    }

    private static async Task DrainAsync(PipeReader body)
    {
        while (true)
        {
            var read = await body.ReadAsync();
            body.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                return;
            }
        }
    }
}
