using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace MeshMind.Discovery;

/// <summary>An interface's IPv4 address and net mask (and, when read from the machine, the interface's name and prefix length).</summary>
internal readonly record struct LanSubnet(IPAddress Address, IPAddress Mask, string? Interface = null, int PrefixLength = 0)
{
    /// <summary>The subnet's directed broadcast address (every host bit set).</summary>
    public IPAddress Broadcast => ToAddress(ToUInt32(Address) | ~ToUInt32(Mask));

    public bool Contains(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork && (ToUInt32(address) & ToUInt32(Mask)) == (ToUInt32(Address) & ToUInt32(Mask));

    private static uint ToUInt32(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    private static IPAddress ToAddress(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }
}
