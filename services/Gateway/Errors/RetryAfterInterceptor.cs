using System.Globalization;
using Grpc.Core;
using Grpc.Core.Interceptors;
using RetryInfo = Google.Rpc.RetryInfo;

namespace ECommerce.Gateway.Errors;

/// <summary>
/// A service that refuses a call with a google.rpc.RetryInfo (Users' sign-in throttle does) says when to come back;
/// REST clients read that from Retry-After, as they do on the edge's own 429s. The detail stays in the JSON body too.
/// </summary>
public sealed class RetryAfterInterceptor(IHttpContextAccessor httpContext) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var call = continuation(request, context);
        if (httpContext.HttpContext?.Response is not { } response)
        {
            return call;
        }
        return new AsyncUnaryCall<TResponse>(WithRetryAfterAsync(call.ResponseAsync, response),
            call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    private static async Task<TResponse> WithRetryAfterAsync<TResponse>(Task<TResponse> responseAsync, HttpResponse response)
    {
        try
        {
            return await responseAsync;
        }
        catch (RpcException refused) when (refused.GetRpcStatus()?.GetDetail<RetryInfo>()?.RetryDelay is { } delay && !response.HasStarted)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(delay.ToTimeSpan().TotalSeconds));
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            throw;
        }
    }
}
