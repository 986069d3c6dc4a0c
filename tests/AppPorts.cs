using System.Net;
using System.Net.Sockets;

namespace DaprOrders.Tests;

/// <summary>Ports for app processes that tests start (compiled into LocalDapr.Tests and EndToEnd.Tests).</summary>
public static class AppPorts
{
    /// <summary>
    /// A port for an app to listen on, free right now. Not the OS's pick (port 0): it hands the same ephemeral range
    /// to every sidecar, Kafka broker and outgoing connection on this busy machine, and one of them could take the port
    /// before the app binds it; then the app dies and the runtime's "port open" readiness check answers for the
    /// squatter. Below the ephemeral range (Linux: 32768+) only other random picks like this one compete.
    /// </summary>
    public static int Free()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(10_000, 32_768);
            if (IsFree(port))
            {
                return port;
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // The services listen on every address (http://*:port), so the port must be free on all of them.
    private static bool IsFree(int port)
    {
        var listener = TcpListener.Create(port);
        try
        {
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            listener.Stop();
        }
    }
}
