using ECommerce.Grpc.Transcoding.Bindings;
using ECommerce.Grpc.Transcoding.Errors;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace ECommerce.Grpc.Transcoding.Gateway;

/// <summary>Serves one binding: REST request → gRPC request message → remote call → proto3 JSON response.</summary>
internal sealed class GatewayEndpoint
{
    private const string JsonContentType = "application/json; charset=utf-8";

    private readonly HttpBinding _binding;
    private readonly CallInvoker _remote;
    private readonly GrpcGatewayOptions _options;
    private readonly TypeRegistry _knownTypes;
    private readonly JsonFormatter _formatter;
    private readonly RequestMessageBuilder _requestBuilder;
    private readonly Method<IMessage, IMessage> _method;

    public GatewayEndpoint(HttpBinding binding, CallInvoker remote, GrpcGatewayOptions options, TypeRegistry knownTypes)
    {
        _binding = binding;
        _remote = remote;
        _options = options;
        _knownTypes = knownTypes;
        _formatter = TranscodingJson.Formatter(knownTypes);
        _requestBuilder = new RequestMessageBuilder(binding, TranscodingJson.Parser(knownTypes));
        _method = DescriptorMethods.Create(binding.Method);
    }

    public async Task HandleAsync(HttpContext context)
    {
        IMessage request;
        try
        {
            request = await _requestBuilder.BuildAsync(context.Request, context.RequestAborted);
        }
        catch (RequestBindingException invalid)
        {
            var status = new Google.Rpc.Status { Code = (int)StatusCode.InvalidArgument, Message = invalid.Message };
            await StatusResponse.WriteAsync(context.Response, status, _formatter, _binding.IsServerStreaming);
            return;
        }

        var call = new CallOptions(ForwardedMetadata(context.Request), DeadlineFromNow(), context.RequestAborted);
        try
        {
            if (_binding.IsServerStreaming)
            {
                await StreamAsync(context.Response, _remote.AsyncServerStreamingCall(_method, null, call, request));
            }
            else
            {
                var response = await _remote.AsyncUnaryCall(_method, null, call, request);
                context.Response.ContentType = JsonContentType;
                await context.Response.WriteAsync(FormatResponse(response, asStreamLine: false), context.RequestAborted);
            }
        }
        catch (RpcException failure) when (!context.RequestAborted.IsCancellationRequested)
        {
            var status = StatusResponse.FromRpcException(failure, _knownTypes);
            if (context.Response.HasStarted)
            {
                // Mid-stream the HTTP status is already 200, so the failure becomes the stream's last line.
                await context.Response.WriteAsync(_formatter.Format(status, asStreamLine: true), context.RequestAborted);
            }
            else
            {
                await StatusResponse.WriteAsync(context.Response, status, _formatter, _binding.IsServerStreaming);
            }
        }
        catch (Exception cancelled) when (cancelled is RpcException or OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            // The REST caller went away and the call was cancelled with it; nobody is left to answer.
        }
    }

    // Server streaming is newline-delimited JSON, one message per line, flushed as each arrives (what
    // Microsoft's transcoding writes too); the status line is only sent once the first message is in, and an
    // empty stream is a 200 with an empty body.
    private async Task StreamAsync(HttpResponse response, AsyncServerStreamingCall<IMessage> call)
    {
        using (call)
        {
            var cancellation = response.HttpContext.RequestAborted;
            while (await call.ResponseStream.MoveNext(cancellation))
            {
                if (!response.HasStarted)
                {
                    response.ContentType = JsonContentType;
                }
                await response.WriteAsync(FormatResponse(call.ResponseStream.Current, asStreamLine: true), cancellation);
                await response.Body.FlushAsync(cancellation);
            }
        }
    }

    private string FormatResponse(IMessage response, bool asStreamLine)
    {
        if (_binding.ResponseBodyField is null)
        {
            return _formatter.Format(response, asStreamLine);
        }
        using var writer = new StringWriter();
        _formatter.WriteValue(writer, _binding.ResponseBodyField.Accessor.GetValue(response));
        return TranscodingJson.Compact(writer.ToString()) + (asStreamLine ? "\n" : "");
    }

    private Metadata ForwardedMetadata(HttpRequest request)
    {
        var metadata = new Metadata();
        foreach (var header in request.Headers)
        {
            if (_options.ForwardedHeaders.Contains(header.Key))
            {
                foreach (var value in header.Value)
                {
                    metadata.Add(header.Key.ToLowerInvariant(), value ?? "");
                }
            }
        }
        // Services throttle per client (sign-in guesses); behind the edge every call would otherwise come from the edge.
        if (request.HttpContext.Connection.RemoteIpAddress is { } client)
        {
            metadata.Add(ClientAddress.MetadataKey, client.ToString());
        }
        return metadata;
    }

    private DateTime? DeadlineFromNow() => _options.CallTimeout is { } timeout ? DateTime.UtcNow + timeout : null;
}
