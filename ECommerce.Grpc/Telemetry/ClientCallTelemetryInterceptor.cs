using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ECommerce.Grpc;

/// <summary>
/// Records <c>rpc.client.duration</c> for every call a configured client makes: from the start of
/// the call until its final status is known (for streams, when the response stream ends or fails).
/// grpc-dotnet already traces outgoing calls; this gives the caller's side of the latency metrics.
/// </summary>
public sealed class ClientCallTelemetryInterceptor : Interceptor
{
    private readonly Histogram<double> _duration;

    public ClientCallTelemetryInterceptor(IMeterFactory meterFactory) =>
        _duration = meterFactory.Create(GrpcTelemetry.MeterName).CreateHistogram<double>(
            GrpcTelemetry.ClientDurationInstrument, unit: "ms", description: "Duration of gRPC calls made by this process.");

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var measurement = Start(context.Method);
        try
        {
            var response = continuation(request, context);
            measurement.Finish(StatusCode.OK);
            return response;
        }
        catch (RpcException ex)
        {
            measurement.Finish(ex.StatusCode);
            throw;
        }
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var measurement = Start(context.Method);
        var call = continuation(request, context);
        return new AsyncUnaryCall<TResponse>(
            ObserveResponseAsync(call.ResponseAsync, measurement), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var measurement = Start(context.Method);
        var call = continuation(context);
        return new AsyncClientStreamingCall<TRequest, TResponse>(
            call.RequestStream, ObserveResponseAsync(call.ResponseAsync, measurement), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var measurement = Start(context.Method);
        var call = continuation(request, context);
        return new AsyncServerStreamingCall<TResponse>(
            new ObservedResponseStream<TResponse>(call.ResponseStream, measurement), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers,
            () => FinishAbandoned(call.Dispose, measurement));
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var measurement = Start(context.Method);
        var call = continuation(context);
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(
            call.RequestStream, new ObservedResponseStream<TResponse>(call.ResponseStream, measurement), call.ResponseHeadersAsync, call.GetStatus,
            call.GetTrailers, () => FinishAbandoned(call.Dispose, measurement));
    }

    private CallMeasurement Start(IMethod method) => new(_duration, method.ServiceName, method.Name);

    private static async Task<TResponse> ObserveResponseAsync<TResponse>(Task<TResponse> response, CallMeasurement measurement)
    {
        try
        {
            var result = await response;
            measurement.Finish(StatusCode.OK);
            return result;
        }
        catch (RpcException ex)
        {
            measurement.Finish(ex.StatusCode);
            throw;
        }
    }

    /// <summary>A stream disposed before it ended was cancelled by its caller.</summary>
    private static void FinishAbandoned(Action dispose, CallMeasurement measurement)
    {
        dispose();
        measurement.Finish(StatusCode.Cancelled);
    }

    private sealed class ObservedResponseStream<TResponse>(IAsyncStreamReader<TResponse> inner, CallMeasurement measurement) : IAsyncStreamReader<TResponse>
    {
        public TResponse Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            try
            {
                var moved = await inner.MoveNext(cancellationToken);
                if (!moved)
                {
                    measurement.Finish(StatusCode.OK);
                }

                return moved;
            }
            catch (RpcException ex)
            {
                measurement.Finish(ex.StatusCode);
                throw;
            }
        }
    }

    /// <summary>One call's timing; only its first final status is recorded.</summary>
    private sealed class CallMeasurement(Histogram<double> duration, string service, string method)
    {
        private readonly long _started = Stopwatch.GetTimestamp();
        private int _finished;

        public void Finish(StatusCode status)
        {
            if (Interlocked.Exchange(ref _finished, 1) == 1)
            {
                return;
            }

            duration.Record(Stopwatch.GetElapsedTime(_started).TotalMilliseconds,
                new KeyValuePair<string, object?>(GrpcTelemetry.RpcSystemTag, "grpc"),
                new KeyValuePair<string, object?>(GrpcTelemetry.RpcServiceTag, service),
                new KeyValuePair<string, object?>(GrpcTelemetry.RpcMethodTag, method),
                new KeyValuePair<string, object?>(GrpcTelemetry.RpcGrpcStatusCodeTag, (int)status));
        }
    }
}
