using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace ECommerce.Grpc;

/// <summary>
/// Bytes that are not the rpc's request message are the caller's mistake: INVALID_ARGUMENT, logged as one warning line.
/// grpc-dotnet parses the message before any interceptor runs and answers a parse failure like a crash of the handler
/// (UNKNOWN, and an error log with the stack trace), so the status is corrected here, after the call has ended but before
/// its status leaves the server. grpc-dotnet's own error log for it is switched off in <see cref="GrpcServerExtensions"/>:
/// handler failures are logged, with their exception, by <see cref="ServerCallTelemetryInterceptor"/>.
/// </summary>
internal sealed partial class MalformedRequestMessages(ILogger<MalformedRequestMessages> logger) : IStartupFilter
{
    public const string Message = "The request message could not be parsed as the rpc's protobuf request type.";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            await nextMiddleware(context);
            if (context.Features.Get<IServerCallContextFeature>()?.ServerCallContext is { } call
                && call.Status.StatusCode == StatusCode.Unknown && call.Status.DebugException is InvalidProtocolBufferException malformed)
            {
                LogMalformed(call.Method, malformed.Message);
                var status = ((int)StatusCode.InvalidArgument).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var trailers = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
                var where = context.Response.HasStarted && trailers is not null && !trailers.IsReadOnly ? trailers : context.Response.Headers;
                where["grpc-status"] = status;
                where["grpc-message"] = Message;
            }
        });
        next(app);
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "gRPC call {Method} refused with InvalidArgument: malformed request message ({Reason})")]
    private partial void LogMalformed(string method, string reason);
}
