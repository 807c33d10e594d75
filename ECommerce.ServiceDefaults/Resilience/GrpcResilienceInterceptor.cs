using Grpc.Core;
using Grpc.Core.Interceptors;
using Polly;
using Polly.CircuitBreaker;

namespace ECommerce.ServiceDefaults.Resilience;

/// <summary>
/// Gives every call to one service a deadline when its caller set none, and passes unary calls through
/// that service's circuit breaker: once most recent calls failed because the service is unreachable,
/// overloaded or too slow, calls fail at once with UNAVAILABLE for a while instead of piling up.
/// Retries stay with grpc-dotnet, which repeats only the methods declared retry-safe (docs/grpc.md).
/// </summary>
internal sealed class GrpcResilienceInterceptor : Interceptor
{
    private static readonly HashSet<StatusCode> Transient = [StatusCode.Unavailable, StatusCode.DeadlineExceeded, StatusCode.ResourceExhausted];

    private readonly string _serviceName;
    private readonly GrpcResilienceOptions _options;
    private readonly ResiliencePipeline _circuitBreaker;

    public GrpcResilienceInterceptor(string serviceName, GrpcResilienceOptions options)
    {
        _serviceName = serviceName;
        _options = options;
        _circuitBreaker = new ResiliencePipelineBuilder()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                ShouldHandle = new PredicateBuilder().Handle<RpcException>(e => Transient.Contains(e.StatusCode)),
            })
            .Build();
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        context = WithDefaultDeadline(context);
        AsyncUnaryCall<TResponse>? call = null;
        var headers = new TaskCompletionSource<Metadata>(TaskCreationOptions.RunContinuationsAsynchronously);
        var response = CallThroughCircuitAsync(async () =>
        {
            call = continuation(request, context);
            _ = ForwardAsync(call.ResponseHeadersAsync, headers);
            return await call.ResponseAsync;
        }, headers, context.Options.CancellationToken);
        return new AsyncUnaryCall<TResponse>(
            response,
            headers.Task,
            () => call?.GetStatus() ?? CircuitOpenStatus,
            () => call?.GetTrailers() ?? [],
            () => call?.Dispose());
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, WithDefaultDeadline(context));

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(WithDefaultDeadline(context));

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(WithDefaultDeadline(context));

    private Status CircuitOpenStatus => new(StatusCode.Unavailable,
        $"Calls to {_serviceName} fail at once for {_options.BreakDuration.TotalSeconds:0} s: most recent calls to it failed (circuit open).");

    private async Task<TResponse> CallThroughCircuitAsync<TResponse>(Func<Task<TResponse>> call, TaskCompletionSource<Metadata> headers,
        CancellationToken cancellationToken)
    {
        try
        {
            return await _circuitBreaker.ExecuteAsync(async _ => await call(), cancellationToken);
        }
        catch (BrokenCircuitException e)
        {
            var failFast = new RpcException(CircuitOpenStatus, e.Message);
            headers.TrySetException(failFast);
            throw failFast;
        }
    }

    private static async Task ForwardAsync(Task<Metadata> source, TaskCompletionSource<Metadata> target)
    {
        try
        {
            target.TrySetResult(await source);
        }
        catch (Exception e)
        {
            target.TrySetException(e);
        }
    }

    /// <remarks>Streaming calls are not broken: a long-lived stream is one call, not a rate of failures.</remarks>
    private ClientInterceptorContext<TRequest, TResponse> WithDefaultDeadline<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class =>
        context.Options.Deadline is not null
            ? context
            : new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host,
                context.Options.WithDeadline(DateTime.UtcNow + _options.DefaultDeadline));
}
