using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ECommerce.Grpc.Benchmarks;

/// <summary>
/// Stand-in for ECommerce.Grpc's server interceptors while that project has none: the same
/// per-call work (a logging scope, a duration histogram, activity tags), so the figures carry
/// the cost a real service pays.
/// </summary>
public sealed class TelemetryInterceptor(ILogger<TelemetryInterceptor> logger, IMeterFactory meters) : Interceptor
{
    private readonly Histogram<double> _duration = meters.Create("ECommerce.Grpc.Benchmarks")
        .CreateHistogram<double>("rpc.server.duration", unit: "ms");

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        var status = StatusCode.OK;
        using var scope = logger.BeginScope("gRPC {Method}", context.Method);
        Activity.Current?.SetTag("rpc.system", "grpc").SetTag("rpc.method", context.Method);
        try
        {
            return await continuation(request, context);
        }
        catch (RpcException e)
        {
            status = e.StatusCode;
            throw;
        }
        finally
        {
            _duration.Record(
                Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                new KeyValuePair<string, object?>("rpc.method", context.Method),
                new KeyValuePair<string, object?>("rpc.grpc.status_code", (int)status));
        }
    }
}
