using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace ECommerce.Grpc.Transcoding.Errors;

/// <summary>The standard gRPC code → HTTP status mapping (google/rpc/code.proto), the same one Microsoft's transcoding uses.</summary>
public static class GrpcHttpStatus
{
    public static int From(StatusCode code) => code switch
    {
        StatusCode.OK => StatusCodes.Status200OK,
        StatusCode.Cancelled => 499,
        StatusCode.Unknown => StatusCodes.Status500InternalServerError,
        StatusCode.InvalidArgument => StatusCodes.Status400BadRequest,
        StatusCode.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        StatusCode.NotFound => StatusCodes.Status404NotFound,
        StatusCode.AlreadyExists => StatusCodes.Status409Conflict,
        StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
        StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        StatusCode.FailedPrecondition => StatusCodes.Status400BadRequest,
        StatusCode.Aborted => StatusCodes.Status409Conflict,
        StatusCode.OutOfRange => StatusCodes.Status400BadRequest,
        StatusCode.Unimplemented => StatusCodes.Status501NotImplemented,
        StatusCode.Internal => StatusCodes.Status500InternalServerError,
        StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        StatusCode.DataLoss => StatusCodes.Status500InternalServerError,
        StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        _ => StatusCodes.Status500InternalServerError,
    };
}
