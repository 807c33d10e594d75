using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace ECommerce.Grpc;

/// <summary>
/// Fails a call with a status that carries google.rpc details in <c>grpc-status-details-bin</c>,
/// the richer error model every gRPC language reads. Throw what these return from a handler.
/// Callers read the details with Grpc.StatusProto: <c>ex.GetRpcStatus()?.GetDetail&lt;BadRequest&gt;()</c>.
/// </summary>
public static class GrpcErrors
{
    /// <summary>INVALID_ARGUMENT with a google.rpc.BadRequest listing which fields are wrong and why.</summary>
    public static RpcException InvalidArgument(string message, params (string Field, string Description)[] violations)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.Add(violations.Select(violation =>
            new BadRequest.Types.FieldViolation { Field = violation.Field, Description = violation.Description }));
        return WithDetails(StatusCode.InvalidArgument, message, badRequest);
    }

    /// <summary>The message of <see cref="DependencyUnavailable"/>; the cause stays in the service's log.</summary>
    public const string DependencyUnavailableMessage = "A store this service depends on is unavailable or overloaded; retry shortly.";

    /// <summary>UNAVAILABLE with a google.rpc.RetryInfo of one second: a transient failure of the service's database.</summary>
    public static RpcException DependencyUnavailable() =>
        WithDetails(StatusCode.Unavailable, DependencyUnavailableMessage, new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)) });

    /// <summary>Any status with any google.rpc detail messages (ErrorInfo, RetryInfo, PreconditionFailure, ...).</summary>
    public static RpcException WithDetails(StatusCode code, string message, params IMessage[] details)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        status.Details.Add(details.Select(Any.Pack));
        return status.ToRpcException();
    }
}
