using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;

namespace ECommerce.Grpc.InProcess;

/// <summary>The server's end of an in-process connection, as Kestrel sees it.</summary>
internal sealed class InProcessConnection : DefaultConnectionContext
{
    public InProcessConnection(string id, EndPoint endPoint, IDuplexPipe transport, IDuplexPipe application)
        : base(id, transport, application)
    {
        LocalEndPoint = endPoint;
    }

    /// <summary>
    /// Ends what the server reads, the way a socket transport's shutdown does, so Kestrel's read loop ends;
    /// the client sees the connection close once Kestrel completes its output.
    /// </summary>
    public override void Abort(ConnectionAbortedException abortReason)
    {
        Application!.Output.Complete(abortReason);
        base.Abort(abortReason);
    }
}
