using ECommerce.Grpc.Transcoding;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace ECommerce.Gateway.Errors;

/// <summary>
/// The edge's own refusals (too large, too many) in the same google.rpc.Status JSON as errors from the services,
/// so a client parses one error shape whatever answered.
/// </summary>
public static class ErrorResponse
{
    private static readonly JsonFormatter Formatter = TranscodingJson.Formatter(TypeRegistry.Empty);

    public static Task WriteAsync(HttpResponse response, int httpStatus, StatusCode code, string message)
    {
        response.StatusCode = httpStatus;
        response.ContentType = "application/json; charset=utf-8";
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        return response.WriteAsync(Formatter.Format(status, asStreamLine: false), response.HttpContext.RequestAborted);
    }
}
