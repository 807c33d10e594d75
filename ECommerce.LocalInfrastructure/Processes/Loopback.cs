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
    /// before any is bound (a run's dashboard, servers and services). Chosen at random below the kernel's ephemeral range
    /// (<c>net.ipv4.ip_local_port_range</c>), never from it: between being handed out and being bound, an ephemeral port can
    /// be taken by any socket bound to port 0 (the Kafka mock brokers) or as the source port of an outgoing connection, and
    /// then the service's callers reach the wrong server (seen in CI: gRPC clients talking HTTP/2 to a Kafka broker).
    /// </summary>
    public static int FreePort()
    {
        var (first, last) = Allocatable.Value;
        while (true)
        {
            var port = Random.Shared.Next(first, last + 1);
            lock (HandedOut)
            {
                if (!HandedOut.Contains(port) && IsPortFree(port))
                {
                    HandedOut.Add(port);
                    return port;
                }
            }
        }
    }

    /// <summary>Ports below the ephemeral range, from 10000 (above the well-known and most registered services' ports).</summary>
    private static readonly Lazy<(int First, int Last)> Allocatable = new(() =>
    {
        var ephemeralFirst = 32768;
        try
        {
            ephemeralFirst = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '],
                StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        // A kernel configured with almost no room below its ephemeral range: use the range above it instead.
        return ephemeralFirst > 11000 ? (10000, ephemeralFirst - 1) : (61000, 65535);
    });

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
