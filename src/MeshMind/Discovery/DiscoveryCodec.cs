using System.Security.Cryptography;
using System.Text.Json;
using MeshMind.Mesh.Admission;

namespace MeshMind.Discovery;

/// <summary>
/// Discovery datagrams: <c>"MM" 0x01</c> | HMAC-SHA256 tag (32 bytes) | UTF-8 JSON <see cref="Announcement"/>.
/// The tag covers the header and the exact payload bytes, so nothing has to be re-serialised to verify it.
/// </summary>
/// <remarks>
/// <see cref="Decode"/> is a pure function of its inputs: it never throws on any byte sequence and never allocates
/// more than a bounded amount, because the size is checked before anything is parsed.
/// </remarks>
internal static class DiscoveryCodec
{
    public const int MaxDatagramBytes = 1200;
    public const int HeaderBytes = 3;
    public const int TagBytes = 32;
    public const long MaxClockSkewMilliseconds = 120_000;
    public const int MaxNameLength = 64;
    private const byte Magic0 = (byte)'M';
    private const byte Magic1 = (byte)'M';
    private const byte WireVersion = 1;

    public static byte[] Encode(Announcement announcement, MeshKeySet keys)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(announcement, DiscoveryJsonContext.Default.Announcement);
        var datagram = new byte[HeaderBytes + TagBytes + payload.Length];
        if (datagram.Length > MaxDatagramBytes)
        {
            throw new ArgumentException($"announcement encodes to {datagram.Length} bytes, over the {MaxDatagramBytes}-byte limit", nameof(announcement));
        }

        datagram[0] = Magic0;
        datagram[1] = Magic1;
        datagram[2] = WireVersion;
        payload.CopyTo(datagram.AsSpan(HeaderBytes + TagBytes));
        Tag(keys.Discovery, datagram, datagram.AsSpan(HeaderBytes, TagBytes));
        return datagram;
    }

    /// <summary>Checks and parses a datagram. Replay and own-id checks need state and are the caller's.</summary>
    public static (Announcement? Value, DropReason Reason) Decode(ReadOnlySpan<byte> datagram, IReadOnlyList<MeshKeySet> keys, long nowMilliseconds)
    {
        if (datagram.Length > MaxDatagramBytes)
        {
            return (null, DropReason.Oversize);
        }

        if (datagram.Length <= HeaderBytes + TagBytes || datagram[0] != Magic0 || datagram[1] != Magic1)
        {
            return (null, DropReason.Garbage);
        }

        if (datagram[2] != WireVersion)
        {
            return (null, DropReason.WrongVersion);
        }

        Span<byte> expected = stackalloc byte[TagBytes];
        var authentic = false;
        foreach (var key in keys)
        {
            Tag(key.Discovery, datagram, expected);
            authentic |= CryptographicOperations.FixedTimeEquals(expected, datagram.Slice(HeaderBytes, TagBytes));
        }

        if (!authentic)
        {
            return (null, DropReason.BadTag);
        }

        Announcement? announcement;
        try
        {
            announcement = JsonSerializer.Deserialize(datagram[(HeaderBytes + TagBytes)..], DiscoveryJsonContext.Default.Announcement);
        }
        catch (JsonException)
        {
            return (null, DropReason.Unparsable);
        }

        if (announcement is null || !IsWellFormed(announcement))
        {
            return (null, DropReason.Unparsable);
        }

        if (announcement.Version != Announcement.CurrentVersion)
        {
            return (null, DropReason.WrongVersion);
        }

        if (Math.Abs(nowMilliseconds - announcement.Timestamp) > MaxClockSkewMilliseconds)
        {
            return (null, DropReason.Stale);
        }

        return (announcement, DropReason.None);
    }

    /// <summary>
    /// What a refused datagram says of itself (its name and timestamp), read without checking anything: for telling a person
    /// who sent it ("10.0.0.7, which says it is 'laptop', uses another secret"), never for deciding anything. Null when it
    /// does not parse.
    /// </summary>
    public static (string? Name, long? Timestamp) Peek(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length > MaxDatagramBytes || datagram.Length <= HeaderBytes + TagBytes || datagram[0] != Magic0 || datagram[1] != Magic1)
        {
            return (null, null);
        }

        try
        {
            return JsonSerializer.Deserialize(datagram[(HeaderBytes + TagBytes)..], DiscoveryJsonContext.Default.Announcement) is { } claimed
                ? (claimed.Name, claimed.Timestamp)
                : (null, null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static bool IsWellFormed(Announcement a) =>
        a.Type is Announcement.Online or Announcement.Offline
        && IsHex(a.NodeId, 64, 64)
        && IsHex(a.InstanceId, 1, 64)
        && a.Name is { Length: <= MaxNameLength } && !a.Name.Any(char.IsControl)
        && a.MeshPort is > 0 and <= 65535
        && a.HttpPort is >= 0 and <= 65535
        && a.ModelsDigest is { Length: <= 64 };

    private static bool IsHex(string? value, int minLength, int maxLength) =>
        value is not null && value.Length >= minLength && value.Length <= maxLength && value.All(char.IsAsciiHexDigitLower);

    private static void Tag(byte[] key, ReadOnlySpan<byte> datagram, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(datagram[..HeaderBytes]);
        hmac.AppendData(datagram[(HeaderBytes + TagBytes)..]);
        hmac.GetHashAndReset(destination);
    }
}
