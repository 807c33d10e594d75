using System.Net;
using ECommerce.AppHost.Telemetry.Otlp;
using ECommerce.LocalInfrastructure.Processes;
using Google.Protobuf;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.AppHost.Telemetry;

/// <summary>
/// OTLP/gRPC: the collector's TraceService, LogsService and MetricsService, served by grpc-dotnet on a
/// loopback port of their own, into the same store as OTLP/HTTP. A port of their own because cleartext
/// gRPC is HTTP/2 with prior knowledge, which Kestrel only speaks on an HTTP/2-only endpoint: on the
/// dashboard's HTTP/1.1 endpoint an Http1AndHttp2 setting without TLS falls back to HTTP/1.1 alone.
/// </summary>
internal sealed class OtlpGrpcReceiver
{
    /// <summary>OTLP batches (512 spans or log records by default) stay far below this.</summary>
    private const int MaxMessageBytes = 32 * 1024 * 1024;

    private OtlpGrpcReceiver(int port)
    {
        Port = port;
    }

    public int Port { get; }

    public string Url => $"http://{Loopback.Host}:{Port}";

    /// <summary>Chooses a free loopback port now, listens there (HTTP/2 only) and registers the services.</summary>
    public static OtlpGrpcReceiver Add(WebApplicationBuilder web, TelemetryStore store)
    {
        var receiver = new OtlpGrpcReceiver(Loopback.FreePort());
        web.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, receiver.Port, listen => listen.Protocols = HttpProtocols.Http2));
        web.Services.AddSingleton(store);
        web.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = MaxMessageBytes;
            grpc.EnableDetailedErrors = false;
        });
        return receiver;
    }

    /// <summary>Maps the three services; they answer on the receiver's port only.</summary>
    public void Map(WebApplication app)
    {
        var host = $"*:{Port}";
        app.MapGrpcService<TraceReceiver>().RequireHost(host);
        app.MapGrpcService<LogsReceiver>().RequireHost(host);
        app.MapGrpcService<MetricsReceiver>().RequireHost(host);
    }

    // grpc-dotnet binds each service through these (named by BindServiceMethod on the service class,
    // which declares Export as virtual, as the generated base classes do) instead of the generated
    // BindService, for one difference: a request that is not a protobuf message fails with
    // INVALID_ARGUMENT saying so, where the generated marshaller's exception would reach the client
    // as UNKNOWN "Exception was thrown by handler.". The service names and messages are the proto's.

    public static void BindTraceService(ServiceBinderBase binder, TraceReceiver? service) =>
        binder.AddMethod(Export<ExportTraceServiceRequest, ExportTraceServiceResponse>(TraceService.Descriptor),
            service is null ? null : new UnaryServerMethod<ExportTraceServiceRequest, ExportTraceServiceResponse>(service.Export));

    public static void BindLogsService(ServiceBinderBase binder, LogsReceiver? service) =>
        binder.AddMethod(Export<ExportLogsServiceRequest, ExportLogsServiceResponse>(LogsService.Descriptor),
            service is null ? null : new UnaryServerMethod<ExportLogsServiceRequest, ExportLogsServiceResponse>(service.Export));

    public static void BindMetricsService(ServiceBinderBase binder, MetricsReceiver? service) =>
        binder.AddMethod(Export<ExportMetricsServiceRequest, ExportMetricsServiceResponse>(MetricsService.Descriptor),
            service is null ? null : new UnaryServerMethod<ExportMetricsServiceRequest, ExportMetricsServiceResponse>(service.Export));

    private static Method<TRequest, TResponse> Export<TRequest, TResponse>(ServiceDescriptor service)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new()
    {
        var requests = new MessageParser<TRequest>(() => new TRequest());
        var responses = new MessageParser<TResponse>(() => new TResponse());
        return new Method<TRequest, TResponse>(MethodType.Unary, service.FullName, "Export",
            Marshallers.Create(request => request.ToByteArray(), bytes => Parse(requests, bytes, service.FullName)),
            Marshallers.Create(response => response.ToByteArray(), responses.ParseFrom));
    }

    private static T Parse<T>(MessageParser<T> parser, byte[] bytes, string service) where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new RpcException(new global::Grpc.Core.Status(StatusCode.InvalidArgument, $"{service}/Export: the request is not an OTLP {typeof(T).Name}: {e.Message}"));
        }
    }

    [BindServiceMethod(typeof(OtlpGrpcReceiver), nameof(BindTraceService))]
    internal class TraceReceiver(TelemetryStore store)
    {
        public virtual Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
        {
            store.Add(request);
            return Task.FromResult(new ExportTraceServiceResponse());
        }
    }

    [BindServiceMethod(typeof(OtlpGrpcReceiver), nameof(BindLogsService))]
    internal class LogsReceiver(TelemetryStore store)
    {
        public virtual Task<ExportLogsServiceResponse> Export(ExportLogsServiceRequest request, ServerCallContext context)
        {
            store.Add(request);
            return Task.FromResult(new ExportLogsServiceResponse());
        }
    }

    [BindServiceMethod(typeof(OtlpGrpcReceiver), nameof(BindMetricsService))]
    internal class MetricsReceiver(TelemetryStore store)
    {
        public virtual Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context)
        {
            store.Add(request);
            return Task.FromResult(new ExportMetricsServiceResponse());
        }
    }
}
