using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace ECommerce.Grpc.Transcoding.Errors;

/// <summary>Writes a failed call as google.rpc.Status JSON <c>{ "code", "message", "details" }</c> with the mapped HTTP status.</summary>
public static class StatusResponse
{
    /// <summary>
    /// The status of a failed call, with the rich details the service attached in grpc-status-details-bin.
    /// Details whose type the registry does not know are left out: they cannot be shown as proto3 JSON.
    /// </summary>
    public static Google.Rpc.Status FromRpcException(RpcException failure, TypeRegistry knownTypes)
    {
        var status = new Google.Rpc.Status { Code = (int)failure.StatusCode, Message = failure.Status.Detail };
        var rich = failure.GetRpcStatus();
        if (rich is not null)
        {
            status.Details.AddRange(rich.Details.Where(detail => knownTypes.Find(Any.GetTypeName(detail.TypeUrl)) is not null));
        }
        return status;
    }

    /// <summary>Writes the status; <paramref name="asStreamLine"/> ends it with a newline, as every line of a streamed response is.</summary>
    public static Task WriteAsync(HttpResponse response, Google.Rpc.Status status, JsonFormatter formatter, bool asStreamLine = false)
    {
        response.StatusCode = GrpcHttpStatus.From((StatusCode)status.Code);
        response.ContentType = "application/json; charset=utf-8";
        return response.WriteAsync(formatter.Format(status, asStreamLine), response.HttpContext.RequestAborted);
    }
}
