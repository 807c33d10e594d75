using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace ECommerce.Grpc;

/// <summary>
/// Logs, measures and tags every served call. One interceptor does all three so that each call
/// is timed once and its final status is worked out once, the same way for all three signals.
/// </summary>
internal sealed partial class ServerCallTelemetryInterceptor : Interceptor
{
    private readonly ILogger<ServerCallTelemetryInterceptor> _logger;
    private readonly Histogram<double> _duration;

    public ServerCallTelemetryInterceptor(ILogger<ServerCallTelemetryInterceptor> logger, IMeterFactory meterFactory)
    {
        _logger = logger;
        _duration = meterFactory.Create(GrpcTelemetry.MeterName).CreateHistogram<double>(
            GrpcTelemetry.ServerDurationInstrument, unit: "ms", description: "Duration of served gRPC calls.");
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        ObserveAsync(context, () => continuation(request, context));

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        ObserveAsync(context, () => continuation(requestStream, context));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        ObserveAsync(context, async () => { await continuation(request, responseStream, context); return true; });

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        ObserveAsync(context, async () => { await continuation(requestStream, responseStream, context); return true; });

    private async Task<T> ObserveAsync<T>(ServerCallContext context, Func<Task<T>> handler)
    {
        var (service, method) = SplitMethod(context.Method);
        var started = Stopwatch.GetTimestamp();
        Exception? failure = null;
        var status = StatusCode.OK;
        try
        {
            var result = await handler();
            status = context.Status.StatusCode;
            return result;
        }
        catch (RpcException ex)
        {
            status = ex.StatusCode;
            throw;
        }
        catch (Exception) when (context.CancellationToken.IsCancellationRequested)
        {
            // Once the caller has gone or the deadline has passed, whatever the handler throws
            // (OperationCanceledException, an IOException from a reset stream) is the call ending
            // early, not a fault in the service.
            status = context.Deadline <= DateTime.UtcNow ? StatusCode.DeadlineExceeded : StatusCode.Cancelled;
            throw;
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            // A database that refuses connections or times out is an outage the caller can wait out, not a fault in
            // the handler: UNAVAILABLE tells clients (and their retry policies) to try again.
            status = StatusCode.Unavailable;
            failure = ex;
            throw GrpcErrors.DependencyUnavailable();
        }
        catch (Exception ex)
        {
            // grpc-dotnet answers UNKNOWN without the exception's text (EnableDetailedErrors is off),
            // so the log is the only place the cause is kept.
            status = StatusCode.Unknown;
            failure = ex;
            throw;
        }
        finally
        {
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Record(service, method, status, elapsedMs, failure);
        }
    }

    /// <summary>
    /// A failure that retrying may cure: a database error its provider marks transient (connection refused or lost,
    /// too many connections, a timeout, a serialization conflict), or a timeout.
    /// </summary>
    private static bool IsTransient(Exception exception) => exception switch
    {
        System.Data.Common.DbException { IsTransient: true } or TimeoutException => true,
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };

    private void Record(string service, string method, StatusCode status, double elapsedMs, Exception? failure)
    {
        var statusCode = (int)status;
        _duration.Record(elapsedMs,
            new KeyValuePair<string, object?>(GrpcTelemetry.RpcSystemTag, "grpc"),
            new KeyValuePair<string, object?>(GrpcTelemetry.RpcServiceTag, service),
            new KeyValuePair<string, object?>(GrpcTelemetry.RpcMethodTag, method),
            new KeyValuePair<string, object?>(GrpcTelemetry.RpcGrpcStatusCodeTag, statusCode));

        Activity.Current?
            .SetTag(GrpcTelemetry.RpcSystemTag, "grpc")
            .SetTag(GrpcTelemetry.RpcServiceTag, service)
            .SetTag(GrpcTelemetry.RpcMethodTag, method)
            .SetTag(GrpcTelemetry.RpcGrpcStatusCodeTag, statusCode);

        if (failure is not null)
        {
            LogCallFailed(service, method, status, elapsedMs, failure);
        }
        else
        {
            LogCallFinished(service, method, status, elapsedMs);
        }
    }

    /// <summary>Splits grpc-dotnet's "/package.Service/Method" into its two parts.</summary>
    private static (string Service, string Method) SplitMethod(string fullMethod)
    {
        var separator = fullMethod.LastIndexOf('/');
        return separator <= 0
            ? (fullMethod.Trim('/'), string.Empty)
            : (fullMethod[1..separator], fullMethod[(separator + 1)..]);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "gRPC call {RpcService}/{RpcMethod} finished with {GrpcStatusCode} in {ElapsedMs:0.0} ms")]
    private partial void LogCallFinished(string rpcService, string rpcMethod, StatusCode grpcStatusCode, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "gRPC call {RpcService}/{RpcMethod} failed with {GrpcStatusCode} in {ElapsedMs:0.0} ms")]
    private partial void LogCallFailed(string rpcService, string rpcMethod, StatusCode grpcStatusCode, double elapsedMs, Exception exception);
}
