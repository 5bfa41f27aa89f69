using System.Globalization;
using System.Net.Sockets;

namespace MeshMind.Infrastructure;

/// <summary>
/// A process that holds a local port: its id and name. Found on Linux from <c>/proc</c>: the port's socket inode in
/// <c>/proc/net/{tcp,udp}{,6}</c>, then the process with that socket open. Other processes' sockets are visible only to
/// their own user and root, so the answer may be empty even when the port is taken.
/// </summary>
internal sealed record PortHolder(int ProcessId, string Name)
{
    /// <summary>At most this many file descriptors are looked at, so a machine with a huge number of open files is not scanned for long.</summary>
    private const int MaxDescriptors = 200_000;

    /// <summary>The processes holding <paramref name="port"/> (TCP: listening; UDP: bound); empty when unknown or not on Linux.</summary>
    public static IReadOnlyList<PortHolder> Find(ProtocolType protocol, int port)
    {
        if (!OperatingSystem.IsLinux() || port is < 1 or > 65535)
        {
            return [];
        }

        try
        {
            var inodes = SocketInodes(protocol, port);
            return inodes.Count == 0 ? [] : Holders(inodes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Inodes of the sockets bound to the port, from one <c>/proc/net</c> table per address family.</summary>
    private static HashSet<string> SocketInodes(ProtocolType protocol, int port)
    {
        var name = protocol == ProtocolType.Udp ? "udp" : "tcp";
        var portHex = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in new[] { $"/proc/net/{name}", $"/proc/net/{name}6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // sl local rem st tx:rx tr:when retrnsmt uid timeout inode …; TCP counts only listening sockets (state 0A).
                if (fields.Length > 9 && fields[1].EndsWith(portHex, StringComparison.Ordinal)
                    && (protocol == ProtocolType.Udp || fields[3] == "0A") && fields[9] != "0")
                {
                    inodes.Add("socket:[" + fields[9] + "]");
                }
            }
        }

        return inodes;
    }

    private static List<PortHolder> Holders(HashSet<string> inodes)
    {
        var holders = new List<PortHolder>();
        var looked = 0;
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                foreach (var descriptor in Directory.EnumerateFileSystemEntries(Path.Combine(process, "fd")))
                {
                    if (++looked > MaxDescriptors)
                    {
                        return holders;
                    }

                    if (new FileInfo(descriptor).LinkTarget is { } target && inodes.Contains(target))
                    {
                        var comm = File.ReadAllText(Path.Combine(process, "comm")).Trim();
                        holders.Add(new PortHolder(pid, comm));
                        break;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Another user's process, or one that just ended.
            }
        }

        return holders;
    }
}
