namespace ECommerce.Grpc.Transcoding.Gateway;

/// <summary>How the gateway forwards REST calls; configure with <c>services.AddGrpcGateway(options => …)</c>.</summary>
public sealed class GrpcGatewayOptions
{
    /// <summary>
    /// HTTP request headers passed to the remote service as gRPC metadata. Only an allow-list: cookies and
    /// hop-by-hop headers mean nothing to a gRPC service and could leak credentials it should not see. The caller's own
    /// network address always goes as <c>x-forwarded-for</c> (<see cref="ClientAddress"/>); a header of that name is never forwarded.
    /// </summary>
    public ISet<string> ForwardedHeaders { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "authorization", "x-request-id" };

    /// <summary>Deadline given to each forwarded call; null leaves it to the caller's disconnect and the service.</summary>
    public TimeSpan? CallTimeout { get; set; }
}
