using System.Globalization;

namespace MeshMind.Bench.Chaos;

/// <summary>
/// The kernel's count of connections dropped because a listen queue was full (<c>TcpExt: ListenOverflows</c> in
/// <c>/proc/net/netstat</c>), machine-wide. A dropped SYN or handshake-completing ACK is retried by the client after about a
/// second, which shows up as a first token a second late.
/// </summary>
internal static class ListenOverflows
{
    public static long Read()
    {
        var lines = File.ReadAllLines("/proc/net/netstat");
        for (var i = 0; i + 1 < lines.Length; i += 2)
        {
            if (!lines[i].StartsWith("TcpExt:", StringComparison.Ordinal))
            {
                continue;
            }

            var names = lines[i].Split(' ');
            var values = lines[i + 1].Split(' ');
            var index = Array.IndexOf(names, "ListenOverflows");
            return index < 0 ? 0 : long.Parse(values[index], CultureInfo.InvariantCulture);
        }

        return 0;
    }
}
