using System.Net;
using System.Net.Sockets;

namespace ECommerce.LocalInfrastructure.Processes;

/// <summary>Every listener this project starts in development binds to the loopback address only.</summary>
public static class Loopback
{
    public const string Host = "127.0.0.1";

    /// <summary>A port that was free a moment ago; the caller binds it right away.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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

    public static void EnsurePortFree(string resource, int port)
    {
        if (!IsPortFree(port))
        {
            throw new InfrastructureException(resource, $"port {port} on {Host} is already in use.",
                $"stop whatever listens there (`ss -ltnp 'sport = :{port}'` shows it) or choose another port.");
        }
    }
}
