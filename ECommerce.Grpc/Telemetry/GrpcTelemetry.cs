namespace ECommerce.Grpc;

/// <summary>
/// Names a telemetry setup subscribes to. Server spans are ASP.NET Core's own request activities
/// (which already continue an incoming W3C <c>traceparent</c>); this library tags them with the
/// OpenTelemetry <c>rpc.*</c> attributes instead of starting a second span per call.
/// </summary>
public static class GrpcTelemetry
{
    /// <summary>Meter of this library's instruments (<see cref="ServerDurationInstrument"/>, <see cref="ClientDurationInstrument"/>).</summary>
    public const string MeterName = "ECommerce.Grpc";

    /// <summary>ActivitySource whose request activities carry the <c>rpc.*</c> tags of a served call.</summary>
    public const string ServerActivitySourceName = "Microsoft.AspNetCore";

    /// <summary>ActivitySource of grpc-dotnet's outgoing-call activities (<c>Grpc.Net.Client.GrpcOut</c>).</summary>
    public const string ClientActivitySourceName = "Grpc.Net.Client";

    /// <summary>Histogram of served call durations in milliseconds (OpenTelemetry RPC semantic conventions).</summary>
    public const string ServerDurationInstrument = "rpc.server.duration";

    /// <summary>Histogram of the durations of calls made through AddECommerceGrpcClient clients, in milliseconds.</summary>
    public const string ClientDurationInstrument = "rpc.client.duration";

    public const string RpcSystemTag = "rpc.system";
    public const string RpcServiceTag = "rpc.service";
    public const string RpcMethodTag = "rpc.method";
    public const string RpcGrpcStatusCodeTag = "rpc.grpc.status_code";
}
