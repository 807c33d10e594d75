using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace ECommerce.Grpc;

/// <summary>
/// A gRPC call refused by authorization gets a gRPC status: UNAUTHENTICATED or PERMISSION_DENIED with a message, in a
/// trailers-only response. ASP.NET's default answer is a bare HTTP 401/403, which gRPC clients can only report as
/// "Bad gRPC response. HTTP status code: 401" (and the REST edge would pass that text on). Other requests keep the default.
/// </summary>
internal sealed class GrpcAuthorizationResults : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if ((authorizeResult.Challenged || authorizeResult.Forbidden) && IsGrpc(context.Request))
        {
            var (code, message) = authorizeResult.Challenged
                ? (StatusCode.Unauthenticated, "This call needs a valid access token (metadata authorization: Bearer <token>); it is missing, expired or invalid.")
                : (StatusCode.PermissionDenied, authorizeResult.AuthorizationFailure?.FailureReasons.FirstOrDefault()?.Message ?? "The caller's roles do not allow this call.");
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers["grpc-message"] = message;
            return Task.CompletedTask;
        }
        return _default.HandleAsync(next, context, policy, authorizeResult);
    }

    private static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
}
