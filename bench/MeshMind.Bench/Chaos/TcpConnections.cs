using System.Globalization;

namespace MeshMind.Bench.Chaos;

/// <summary>Established TCP connections on this machine (<c>/proc/net/tcp</c> and <c>tcp6</c>, where .NET's dual-mode sockets are), counted by port.</summary>
internal static class TcpConnections
{
    private const string Established = "01";

    /// <summary>Established connections whose remote end is <paramref name="port"/> (the client sides of connections to it).</summary>
    public static int To(int port)
    {
        var count = 0;
        foreach (var line in File.ReadLines("/proc/net/tcp").Skip(1).Concat(File.ReadLines("/proc/net/tcp6").Skip(1)))
        {
            // "sl local_address rem_address st ...", addresses as HEXIP:HEXPORT.
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 3 && fields[3] == Established
                && int.Parse(fields[2].AsSpan(fields[2].IndexOf(':') + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
            {
                count++;
            }
        }

        return count;
    }
}
