using System.Net;
using System.Net.Sockets;

namespace MeshMind.Tests.Support;

public static class FreePort
{
    /// <summary>A UDP port nobody on 127.0.0.1 uses right now, so each test's discovery is private to it.</summary>
    public static int Udp()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Any, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>A TCP port free on 127.0.0.1 right now, for a node that must come back on the same port after a restart.</summary>
    public static int Tcp()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
