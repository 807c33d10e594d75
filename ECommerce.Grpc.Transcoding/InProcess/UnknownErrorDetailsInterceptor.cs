using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ECommerce.Grpc.Transcoding.InProcess;

/// <summary>
/// Microsoft's transcoding answers 500 when an error detail's type is missing from its type registry, turning
/// e.g. a 400 with a service-specific detail into an opaque failure. For REST calls only, this drops such
/// details (as the gateway does) so the caller still gets the real status and the details it can read.
/// gRPC callers keep every detail: they decode them with their own types.
/// </summary>
internal sealed class UnknownErrorDetailsInterceptor(TypeRegistry knownTypes) : Interceptor
{
    private const string StatusDetailsTrailer = "grpc-status-details-bin";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (RpcException failure) when (IsRestCall(context) && Unreadable(failure) is { } readable)
        {
            throw readable;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (RpcException failure) when (IsRestCall(context) && Unreadable(failure) is { } readable)
        {
            throw readable;
        }
    }

    private static bool IsRestCall(ServerCallContext context) =>
        context.GetHttpContext().Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) != true;

    /// <summary>The same failure without the details nobody can format; null when every detail is known.</summary>
    private RpcException? Unreadable(RpcException failure)
    {
        var status = failure.GetRpcStatus();
        if (status is null || status.Details.All(IsKnown))
        {
            return null;
        }
        var readable = new Google.Rpc.Status { Code = status.Code, Message = status.Message, Details = { status.Details.Where(IsKnown) } };
        var trailers = new Metadata();
        foreach (var trailer in failure.Trailers.Where(trailer => trailer.Key != StatusDetailsTrailer))
        {
            trailers.Add(trailer);
        }
        trailers.Add(StatusDetailsTrailer, readable.ToByteArray());
        return new RpcException(failure.Status, trailers, failure.Message);
    }

    private bool IsKnown(Any detail) => knownTypes.Find(Any.GetTypeName(detail.TypeUrl)) is not null;
}
