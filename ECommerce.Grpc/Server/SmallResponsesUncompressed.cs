using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;

namespace ECommerce.Grpc;

/// <summary>
/// Sends response messages under <see cref="GrpcServerExtensions.MinCompressedResponseSize"/> uncompressed even
/// when the caller accepts gzip (grpc-dotnet clients always do): below a kilobyte gzip saves a few bytes
/// at most, often adds some, and costs CPU on both ends of every call.
/// </summary>
internal sealed class SmallResponsesUncompressed : Interceptor
{
    private static readonly WriteOptions NoCompress = new(WriteFlags.NoCompress);

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var response = await continuation(request, context);
        if (IsGrpc(context) && IsSmall(response))
        {
            context.WriteOptions = NoCompress;
        }
        return response;
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(request, IsGrpc(context) ? new Writer<TResponse>(responseStream) : responseStream, context);

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        continuation(requestStream, IsGrpc(context) ? new Writer<TResponse>(responseStream) : responseStream, context);

    /// <summary>
    /// Write options mean something only on the gRPC wire; a call transcoded from REST answers JSON, and
    /// its context refuses them.
    /// </summary>
    private static bool IsGrpc(ServerCallContext context) =>
        context.GetHttpContext().Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;

    private static bool IsSmall<TResponse>(TResponse response) =>
        response is IMessage message && message.CalculateSize() < GrpcServerExtensions.MinCompressedResponseSize;

    /// <summary>Decides per message: a stream may carry both small and large ones.</summary>
    private sealed class Writer<TResponse>(IServerStreamWriter<TResponse> inner) : IServerStreamWriter<TResponse>
    {
        private WriteOptions? _options = inner.WriteOptions;

        public WriteOptions? WriteOptions
        {
            get => _options;
            set => _options = value;
        }

        public Task WriteAsync(TResponse message) => WriteAsync(message, CancellationToken.None);

        public Task WriteAsync(TResponse message, CancellationToken cancellationToken)
        {
            inner.WriteOptions = IsSmall(message) ? NoCompress : _options;
            return inner.WriteAsync(message, cancellationToken);
        }
    }
}
