using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using MeshMind.Infrastructure;

namespace MeshMind.Mesh.Invites;

/// <summary>
/// What an invite carries to a new device: where the inviting node listens (its addresses and mesh port), who it is (its node
/// id, the SHA-256 of its certificate, checked before anything is sent), the one-time token that proves the invite, and when it
/// expires. Encoded as a small versioned binary record with a check value, in Crockford Base32.
/// </summary>
/// <remarks>
/// <para>Layout: version (1 byte, <see cref="FormatVersion"/>), token (16), node id (32), mesh port (2, big-endian), expiry
/// (4, Unix seconds, big-endian), address count (1, 1 to <see cref="MaxAddresses"/>), each address as its family (4 or 6) and its
/// 4 or 16 bytes, then the first 4 bytes of the SHA-256 of everything before them. With two IPv4 addresses that is 70 bytes,
/// 112 characters.</para>
/// <para>The check value catches a mistyped or cut-off code before any connection is made (all but one in four billion
/// random changes); it is no protection against forgery, which the fingerprint and the token are.</para>
/// </remarks>
internal sealed record InviteCode(byte[] Token, string NodeId, int MeshPort, DateTimeOffset ExpiresAt, IReadOnlyList<IPAddress> Addresses)
{
    public const byte FormatVersion = 1;
    public const int TokenLength = 16;
    public const int MaxAddresses = 4;
    public const int MaxLength = 256;
    private const int NodeIdLength = 32;
    private const int CheckLength = 4;
    private const int HeaderLength = 1 + TokenLength + NodeIdLength + 2 + 4 + 1;

    public string Encode()
    {
        if (Token.Length != TokenLength || NodeId.Length != NodeIdLength * 2 || MeshPort is < 1 or > 65535 || Addresses.Count is 0 or > MaxAddresses)
        {
            throw new ArgumentException("an invite needs a 16-byte token, a node id, a port and 1 to 4 addresses");
        }

        var bytes = new List<byte>(HeaderLength + (Addresses.Count * 17) + CheckLength) { FormatVersion };
        bytes.AddRange(Token);
        bytes.AddRange(Convert.FromHexString(NodeId));
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(number, (ushort)MeshPort);
        bytes.AddRange(number[..2]);
        BinaryPrimitives.WriteUInt32BigEndian(number, (uint)Math.Clamp(ExpiresAt.ToUnixTimeSeconds(), 0, uint.MaxValue));
        bytes.AddRange(number);
        bytes.Add((byte)Addresses.Count);
        foreach (var address in Addresses)
        {
            bytes.Add(address.AddressFamily == AddressFamily.InterNetworkV6 ? (byte)6 : (byte)4);
            bytes.AddRange(address.GetAddressBytes());
        }

        var payload = bytes.ToArray();
        return Base32.Encode([.. payload, .. Check(payload)]);
    }

    /// <summary>Reads a code as a person pasted or typed it (any case, dashes and spaces ignored).</summary>
    /// <exception cref="InviteCodeException">It is not a whole, unaltered invite code of a format this node reads.</exception>
    public static InviteCode Parse(string text)
    {
        text = text.Trim();
        if (text.Length == 0)
        {
            throw new InviteCodeException("paste the whole invite code");
        }

        if (text.Length > MaxLength)
        {
            throw new InviteCodeException($"that is too long for an invite code ({text.Length} characters; a code has about 110)");
        }

        if (Base32.TryDecode(text) is not { } bytes)
        {
            var bad = text.First(c => c is not '-' && !char.IsWhiteSpace(c) && Base32.TryDecode(c.ToString()) is null);
            throw new InviteCodeException($"'{bad}' is not in an invite code (codes use the digits and the letters A-Z except U)");
        }

        if (bytes.Length < HeaderLength + 5 + CheckLength)
        {
            throw new InviteCodeException($"the invite code is incomplete ({text.Length} characters); copy all of it");
        }

        var payload = bytes.AsSpan(0, bytes.Length - CheckLength);
        if (!Check(payload).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - CheckLength)))
        {
            throw new InviteCodeException("the invite code has a typo, or is incomplete: its check characters do not match; compare it with the one the inviting node shows");
        }

        if (payload[0] != FormatVersion)
        {
            throw new InviteCodeException($"this invite code was made by a newer MeshMind (format {payload[0]}); update this node first");
        }

        var token = payload.Slice(1, TokenLength).ToArray();
        var nodeId = Convert.ToHexStringLower(payload.Slice(1 + TokenLength, NodeIdLength));
        var port = BinaryPrimitives.ReadUInt16BigEndian(payload.Slice(1 + TokenLength + NodeIdLength));
        var expires = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadUInt32BigEndian(payload.Slice(1 + TokenLength + NodeIdLength + 2)));
        var count = payload[HeaderLength - 1];
        var addresses = new List<IPAddress>(count);
        var offset = HeaderLength;
        for (var i = 0; i < count && offset < payload.Length; i++)
        {
            var length = payload[offset] switch { 4 => 4, 6 => 16, _ => 0 };
            if (length == 0 || offset + 1 + length > payload.Length)
            {
                break;
            }

            addresses.Add(new IPAddress(payload.Slice(offset + 1, length)));
            offset += 1 + length;
        }

        if (port == 0 || count is 0 or > MaxAddresses || addresses.Count != count || offset != payload.Length)
        {
            throw new InviteCodeException("that is not a MeshMind invite code");
        }

        return new InviteCode(token, nodeId, port, expires, addresses);
    }

    private static byte[] Check(ReadOnlySpan<byte> payload) => SHA256.HashData(payload)[..CheckLength];
}
