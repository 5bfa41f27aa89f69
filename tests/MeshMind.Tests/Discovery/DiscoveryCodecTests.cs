using System.Text;
using MeshMind.Discovery;
using MeshMind.Mesh.Admission;

namespace MeshMind.Tests.Discovery;

public sealed class DiscoveryCodecTests
{
    private const long Now = 1_800_000_000_000;
    private static readonly MeshKeySet s_keys = MeshKeys.Derive("the-mesh-secret-0123456789");
    private static readonly MeshKeySet s_otherKeys = MeshKeys.Derive("another-mesh-secret-0123456789");

    private static Announcement Sample(long ts = Now, string type = Announcement.Online) =>
        new(type, 1, new string('a', 64), "0123456789abcdef", "node-a", 7878, 8080, true, "d1", ts);

    [Fact]
    public void Encode_ThenDecode_RoundTrips()
    {
        var datagram = DiscoveryCodec.Encode(Sample(), s_keys);

        var (value, reason) = DiscoveryCodec.Decode(datagram, [s_keys], Now);

        Assert.Equal(DropReason.None, reason);
        Assert.Equal(Sample(), value);
        Assert.True(datagram.Length <= DiscoveryCodec.MaxDatagramBytes);
        Assert.Contains("\"t\":\"ONLINE\"", Encoding.UTF8.GetString(datagram), StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_OtherSecret_BadTag()
    {
        var datagram = DiscoveryCodec.Encode(Sample(), s_otherKeys);

        Assert.Equal(DropReason.BadTag, DiscoveryCodec.Decode(datagram, [s_keys], Now).Reason);
    }

    [Fact]
    public void Decode_PreviousSecretStillListed_Accepted()
    {
        var datagram = DiscoveryCodec.Encode(Sample(), s_otherKeys);

        Assert.Equal(DropReason.None, DiscoveryCodec.Decode(datagram, [s_keys, s_otherKeys], Now).Reason);
    }

    [Fact]
    public void Decode_PayloadChangedAfterSigning_BadTag()
    {
        var datagram = DiscoveryCodec.Encode(Sample(), s_keys);
        var text = Encoding.UTF8.GetString(datagram.AsSpan(DiscoveryCodec.HeaderBytes + DiscoveryCodec.TagBytes));
        var forged = datagram[..(DiscoveryCodec.HeaderBytes + DiscoveryCodec.TagBytes)]
            .Concat(Encoding.UTF8.GetBytes(text.Replace("7878", "9999", StringComparison.Ordinal))).ToArray();

        Assert.Equal(DropReason.BadTag, DiscoveryCodec.Decode(forged, [s_keys], Now).Reason);
    }

    [Theory]
    [InlineData(-120_001, DropReason.Stale)]
    [InlineData(120_001, DropReason.Stale)]
    [InlineData(-120_000, DropReason.None)]
    [InlineData(119_000, DropReason.None)]
    public void Decode_Timestamp_FreshWithin120Seconds(long offset, DropReason expected)
    {
        var datagram = DiscoveryCodec.Encode(Sample(Now + offset), s_keys);

        Assert.Equal(expected, DiscoveryCodec.Decode(datagram, [s_keys], Now).Reason);
    }

    [Fact]
    public void Decode_WrongWireVersion_Dropped()
    {
        var datagram = DiscoveryCodec.Encode(Sample(), s_keys);
        datagram[2] = 2;

        Assert.Equal(DropReason.WrongVersion, DiscoveryCodec.Decode(datagram, [s_keys], Now).Reason);
    }

    [Fact]
    public void Decode_WrongMessageVersion_Dropped()
    {
        var datagram = DiscoveryCodec.Encode(Sample() with { Version = 2 }, s_keys);

        Assert.Equal(DropReason.WrongVersion, DiscoveryCodec.Decode(datagram, [s_keys], Now).Reason);
    }

    [Fact]
    public void Decode_Oversize_Dropped() =>
        Assert.Equal(DropReason.Oversize, DiscoveryCodec.Decode(new byte[DiscoveryCodec.MaxDatagramBytes + 1], [s_keys], Now).Reason);

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("{\"t\":\"ONLINE\"}")]
    public void Decode_Garbage_Dropped(string text) =>
        Assert.Equal(DropReason.Garbage, DiscoveryCodec.Decode(Encoding.UTF8.GetBytes(text), [s_keys], Now).Reason);

    [Theory]
    [InlineData("{\"t\":\"HELLO\",\"v\":1}")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"t\":\"ONLINE\",\"v\":1,\"node_id\":\"xyz\"}")]
    [InlineData("not json at all")]
    public void Decode_AuthenticButMalformedPayload_Unparsable(string payload)
    {
        // A peer holding the secret can still send nonsense; it must be dropped, not crash the listener.
        var datagram = SignRaw(Encoding.UTF8.GetBytes(payload), s_keys);

        Assert.Equal(DropReason.Unparsable, DiscoveryCodec.Decode(datagram, [s_keys], Now).Reason);
    }

    [Fact]
    public void Encode_NameTooLongForDatagram_Throws() =>
        Assert.Throws<ArgumentException>(() => DiscoveryCodec.Encode(Sample() with { Name = new string('n', 2000) }, s_keys));

    [Fact]
    public void ReplayGuard_SameOrOlderTimestamp_Refused_NewerAccepted()
    {
        var guard = new ReplayGuard();

        Assert.True(guard.TryAccept(Sample(Now)));
        Assert.False(guard.TryAccept(Sample(Now)));
        Assert.False(guard.TryAccept(Sample(Now - 1)));
        Assert.True(guard.TryAccept(Sample(Now + 1)));
        Assert.True(guard.TryAccept(Sample(Now) with { InstanceId = "feed" }));
    }

    [Fact]
    public void ReplayGuard_Capacity_Bounded()
    {
        var guard = new ReplayGuard(capacity: 8);
        for (var i = 0; i < 100; i++)
        {
            Assert.True(guard.TryAccept(Sample(Now + i) with { InstanceId = i.ToString("x", System.Globalization.CultureInfo.InvariantCulture) }));
        }

        // The newest instances are still remembered.
        Assert.False(guard.TryAccept(Sample(Now + 99) with { InstanceId = 99.ToString("x", System.Globalization.CultureInfo.InvariantCulture) }));
    }

    [Fact]
    public void Decode_RandomAndMutatedBytes_NeverThrowsAndNeverAcceptsForgery()
    {
        var random = new Random(20261126);
        var valid = DiscoveryCodec.Encode(Sample(), s_keys);
        var validSignedJunk = SignRaw(Encoding.UTF8.GetBytes("{\"t\":\"ONLINE\",\"v\":1,\"name\":\"" + new string('x', 50) + "\"}"), s_keys);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20_000; i++)
        {
            byte[] input;
            switch (i % 4)
            {
                case 0:
                    input = new byte[random.Next(0, 1400)];
                    random.NextBytes(input);
                    break;
                case 1:
                    input = (byte[])valid.Clone();
                    input[random.Next(input.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 2:
                    input = valid[..random.Next(valid.Length)];
                    break;
                default:
                    input = (byte[])validSignedJunk.Clone();
                    input[random.Next(DiscoveryCodec.HeaderBytes + DiscoveryCodec.TagBytes, input.Length)] = (byte)random.Next(256);
                    input = SignRaw(input[(DiscoveryCodec.HeaderBytes + DiscoveryCodec.TagBytes)..], s_keys);
                    break;
            }

            var (value, reason) = DiscoveryCodec.Decode(input, [s_keys], Now);
            if (i % 4 is 1 or 2)
            {
                // A flipped bit or a cut datagram is never accepted as the original.
                Assert.True(reason != DropReason.None || value == Sample());
            }
        }

        var perDatagram = (GC.GetAllocatedBytesForCurrentThread() - before) / 20_000.0;
        Assert.True(perDatagram < 16 * 1024, $"decoding allocated {perDatagram:F0} bytes per datagram");
    }

    private static byte[] SignRaw(byte[] payload, MeshKeySet keys)
    {
        var datagram = new byte[DiscoveryCodec.HeaderBytes + DiscoveryCodec.TagBytes + payload.Length];
        datagram[0] = (byte)'M';
        datagram[1] = (byte)'M';
        datagram[2] = 1;
        payload.CopyTo(datagram, DiscoveryCodec.HeaderBytes + DiscoveryCodec.TagBytes);
        using var hmac = System.Security.Cryptography.IncrementalHash.CreateHMAC(System.Security.Cryptography.HashAlgorithmName.SHA256, keys.Discovery);
        hmac.AppendData(datagram.AsSpan(0, DiscoveryCodec.HeaderBytes));
        hmac.AppendData(payload);
        hmac.GetHashAndReset(datagram.AsSpan(DiscoveryCodec.HeaderBytes, DiscoveryCodec.TagBytes));
        return datagram;
    }
}
