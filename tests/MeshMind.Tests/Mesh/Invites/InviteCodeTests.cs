using System.Net;
using System.Security.Cryptography;
using MeshMind.Infrastructure;
using MeshMind.Mesh.Invites;

namespace MeshMind.Tests.Mesh.Invites;

public sealed class InviteCodeTests
{
    private static readonly string s_nodeId = Convert.ToHexStringLower(SHA256.HashData("a node's certificate"u8));

    private static InviteCode Sample(params IPAddress[] addresses) =>
        new(RandomNumberGenerator.GetBytes(InviteCode.TokenLength), s_nodeId, 7878, DateTimeOffset.FromUnixTimeSeconds(1_900_000_000),
            addresses.Length == 0 ? [IPAddress.Parse("192.168.1.23"), IPAddress.Parse("10.0.0.7")] : addresses);

    [Fact]
    public void Encode_Parse_RoundTrips_EveryField()
    {
        var invite = Sample(IPAddress.Parse("192.168.1.23"), IPAddress.Parse("fd00::1"), IPAddress.Loopback);

        var parsed = InviteCode.Parse(invite.Encode());

        Assert.Equal(invite.Token, parsed.Token);
        Assert.Equal(invite.NodeId, parsed.NodeId);
        Assert.Equal(invite.MeshPort, parsed.MeshPort);
        Assert.Equal(invite.ExpiresAt, parsed.ExpiresAt);
        Assert.Equal(invite.Addresses, parsed.Addresses);
    }

    [Fact]
    public void Encode_TwoIpv4Addresses_Is112CharactersOfCapitalsAndDigits()
    {
        var code = Sample().Encode();

        Assert.Equal(112, code.Length);
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]+$", code);
    }

    [Fact]
    public void Parse_AsAPersonTypesIt_LowerCaseDashesSpacesAndLookAlikes_ReadsTheSameCode()
    {
        var invite = Sample();
        var code = invite.Encode();
        var typed = string.Join("-", code.Chunk(5).Select(c => new string(c))).ToLowerInvariant().Replace('0', 'o').Replace('1', 'l');

        var parsed = InviteCode.Parse("  " + typed[..20] + " \n" + typed[20..] + " ");

        Assert.Equal(invite.Token, parsed.Token);
    }

    [Fact]
    public void Parse_AnyOneCharacterChanged_IsCaughtAsATypo()
    {
        var code = Sample().Encode();
        const string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        var caught = 0;
        var changed = 0;
        for (var i = 0; i < code.Length; i++)
        {
            foreach (var replacement in alphabet.Where(c => c != code[i]).Take(4))
            {
                var typo = code[..i] + replacement + code[(i + 1)..];
                changed++;
                var ex = Record.Exception(() => InviteCode.Parse(typo));
                if (ex is InviteCodeException)
                {
                    caught++;
                }
            }
        }

        // 70 bytes are exactly 112 characters: no padding bits, so every change changes the bytes.
        Assert.Equal(changed, caught);
    }

    [Fact]
    public void Parse_ATypo_SaysSo()
    {
        var code = Sample().Encode();
        var typo = code[..40] + (code[40] == 'A' ? 'B' : 'A') + code[41..];

        var ex = Assert.Throws<InviteCodeException>(() => InviteCode.Parse(typo));

        Assert.Contains("typo", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CutShort_SaysItIsIncomplete()
    {
        var ex = Assert.Throws<InviteCodeException>(() => InviteCode.Parse(Sample().Encode()[..60]));

        Assert.Contains("incomplete", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ACharacterNotInTheAlphabet_NamesIt()
    {
        var ex = Assert.Throws<InviteCodeException>(() => InviteCode.Parse(Sample().Encode()[..50] + "U" + Sample().Encode()[51..]));

        Assert.Contains("'U'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ANewerFormat_AsksForAnUpdate_NotForATypo()
    {
        var bytes = Base32.TryDecode(Sample().Encode())!;
        var payload = bytes[..^4];
        payload[0] = 2;
        var code = Base32.Encode([.. payload, .. SHA256.HashData(payload)[..4]]);

        var ex = Assert.Throws<InviteCodeException>(() => InviteCode.Parse(code));

        Assert.Contains("newer MeshMind", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("hello")]
    public void Parse_NotACode_Refused(string text) => Assert.Throws<InviteCodeException>(() => InviteCode.Parse(text));

    [Fact]
    public void Base32_RoundTripsEveryLength()
    {
        for (var length = 0; length < 40; length++)
        {
            var data = RandomNumberGenerator.GetBytes(length);
            Assert.Equal(data, Base32.TryDecode(Base32.Encode(data)));
        }
    }
}
