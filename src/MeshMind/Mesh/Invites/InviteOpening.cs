using System.Buffers;

namespace MeshMind.Mesh.Invites;

/// <summary>
/// How a new device opens its connection to the inviting node's mesh port, in place of the secret's proof (<c>MMP1</c>, which it
/// cannot make: it has no secret yet): <c>MMI1</c> and the invite's 16-byte token, right after TLS. The server answers <c>MMI1</c>
/// and a status byte (<see cref="InviteStatus"/>); when accepted, the connection may make one request: the redemption.
/// </summary>
/// <remarks>
/// The token is shown, not proven with a MAC: the server keeps only its hash (so a copy of the database redeems nothing), and the
/// client sends it only after TLS has shown the server's certificate to be the one whose hash the code carries, so only the
/// inviting node ever sees it, inside a channel that also carries the client's certificate.
/// </remarks>
internal static class InviteOpening
{
    public const int HelloLength = 4 + InviteCode.TokenLength;
    public const int AnswerLength = 5;

    public static ReadOnlySpan<byte> Magic => "MMI1"u8;

    public static byte[] Hello(ReadOnlySpan<byte> token)
    {
        if (token.Length != InviteCode.TokenLength)
        {
            throw new ArgumentException("an invite token has 16 bytes", nameof(token));
        }

        return [.. Magic, .. token];
    }

    /// <summary>Reads an invite opening from the front of <paramref name="buffer"/>; false when more bytes are needed.</summary>
    /// <exception cref="InvalidDataException">The bytes do not start with <c>MMI1</c>.</exception>
    public static bool TryParseHello(ref ReadOnlySequence<byte> buffer, out byte[] token)
    {
        token = [];
        if (buffer.Length < HelloLength)
        {
            return false;
        }

        var frame = buffer.Slice(0, HelloLength).ToArray();
        if (!frame.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw new InvalidDataException("not an invite's opening");
        }

        token = frame[4..];
        buffer = buffer.Slice(HelloLength);
        return true;
    }

    public static byte[] Answer(InviteStatus status) => [.. Magic, (byte)status];

    /// <summary>The status of an answer.</summary>
    /// <exception cref="InvalidDataException">Not an answer to an invite: the server is no MeshMind of this version.</exception>
    public static InviteStatus ParseAnswer(ReadOnlySpan<byte> answer) =>
        answer.Length == AnswerLength && answer[..4].SequenceEqual(Magic)
            ? (InviteStatus)answer[4]
            : throw new InvalidDataException("the inviting node does not speak this version's invite protocol");

    /// <summary>What a person is told for a refusal.</summary>
    public static string Describe(InviteStatus status) => status switch
    {
        InviteStatus.Used => "this invite was already used; ask for a new one (each code works once)",
        InviteStatus.Expired => "this invite has expired; ask for a new one (a code is valid for a few minutes only)",
        InviteStatus.Unknown => "the inviting node knows no such invite (it may have been made on another node, or long ago); ask for a new one",
        InviteStatus.TooManyAttempts => "the inviting node is refusing invites for a moment (too many attempts); try again in a minute",
        InviteStatus.NoCertificate => "the inviting node needs this node's certificate",
        _ => $"the inviting node refused the invite (status {(byte)status})",
    };
}
