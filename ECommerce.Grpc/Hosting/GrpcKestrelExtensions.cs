using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ECommerce.Grpc;

/// <summary>Kestrel endpoints for gRPC inside the mesh: loopback, cleartext HTTP/2 (h2c with prior knowledge).</summary>
public static class GrpcKestrelExtensions
{
    /// <summary>
    /// Listens on 127.0.0.1 with HTTP/2 only. Http2 alone is required: on a cleartext endpoint
    /// Http1AndHttp2 cannot negotiate and silently serves HTTP/1.1. Port 0 picks a free port;
    /// read it back with <see cref="GetGrpcAddress"/> once the server has started.
    /// </summary>
    public static KestrelServerOptions ListenGrpcOnLoopback(this KestrelServerOptions kestrel, int port = 0)
    {
        kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2);
        return kestrel;
    }

    /// <summary>The network address the started server listens on, e.g. http://127.0.0.1:5001.</summary>
    public static Uri GetGrpcAddress(this IServer server)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("The server exposes no addresses; has it started?");
        // In-process endpoints (ListenInProcess) are listed too, but only this process could use them.
        var address = addresses
            .Select(candidate => Uri.TryCreate(candidate, UriKind.Absolute, out var uri) ? uri : null)
            .FirstOrDefault(uri => uri is not null && (IPAddress.TryParse(uri.Host.Trim('[', ']'), out _) || uri.IsLoopback));
        return address ?? throw new InvalidOperationException($"The server listens on no network address ({string.Join(", ", addresses)}); has it started?");
    }
}
