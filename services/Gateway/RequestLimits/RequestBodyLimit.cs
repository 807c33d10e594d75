using ECommerce.Gateway.Errors;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;

namespace ECommerce.Gateway.RequestLimits;

/// <summary>
/// Kestrel enforces <see cref="GatewayOptions.MaxRequestBodyBytes"/>; this turns its refusal into a JSON 413 instead of an
/// empty one: at once when Content-Length already says too much, and when a chunked body grows past the limit while read.
/// </summary>
public static class RequestBodyLimit
{
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
            if (limit is { } max && context.Request.ContentLength > max)
            {
                await TooLargeAsync(context.Response, max);
                return;
            }
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
            {
                await TooLargeAsync(context.Response, limit ?? 0);
            }
        });

    private static Task TooLargeAsync(HttpResponse response, long limit) =>
        ErrorResponse.WriteAsync(response, StatusCodes.Status413PayloadTooLarge, StatusCode.ResourceExhausted,
            $"The request body is larger than the {limit} bytes this API accepts.");
}
