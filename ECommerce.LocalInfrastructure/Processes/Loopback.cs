using System.Net;
using System.Net.Sockets;

namespace ECommerce.LocalInfrastructure.Processes;

/// <summary>Every listener this project starts in development binds to the loopback address only.</summary>
public static class Loopback
{
    public const string Host = "127.0.0.1";

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A port that was free a moment ago, and never handed out before by this process: several can be chosen
    /// before any is bound (a run's dashboard, servers and services), and the kernel may offer one twice.
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    public static bool IsPortFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Connects to <paramref name="target"/> from the loopback address <paramref name="source"/> (all of 127.0.0.0/8 is
    /// loopback on Linux), so one machine can play many clients, e.g. to a server limiting requests per client address.
    /// Suits <see cref="System.Net.Http.SocketsHttpHandler.ConnectCallback"/>.
    /// </summary>
    public static async ValueTask<Stream> ConnectFromAsync(IPAddress source, EndPoint target, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(target, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static void EnsurePortFree(string resource, int port)
    {
        if (!IsPortFree(port))
        {
            throw new InfrastructureException(resource, $"port {port} on {Host} is already in use.",
                $"stop whatever listens there (`ss -ltnp 'sport = :{port}'` shows it) or choose another port.");
        }
    }
}
