using Grpc.Core;

namespace ECommerce.Grpc;

/// <summary>
/// Who is calling, network-wise: the REST edge puts its caller's address in <see cref="MetadataKey"/> (replacing any the
/// caller sent), and a direct gRPC caller is known by its connection. Used to throttle per client, never to authorize:
/// a caller inside the mesh can write the metadata too.
/// </summary>
public static class ClientAddress
{
    public const string MetadataKey = "x-forwarded-for";

    public static string Of(ServerCallContext context)
    {
        if (context.RequestHeaders.GetValue(MetadataKey) is { Length: > 0 } forwarded)
        {
            return forwarded.Trim();
        }
        var remote = context.GetHttpContext().Connection.RemoteIpAddress;
        return remote?.ToString() ?? context.Peer;
    }
}
