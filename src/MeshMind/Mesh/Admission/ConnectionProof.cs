using System.Buffers;
using System.Buffers.Binary;

namespace MeshMind.Mesh.Admission;

/// <summary>
/// The frames of the proof that opens every connection to a mesh port (DESIGN §10), right after TLS and before HTTP: the
/// client proves it holds a secret in force, the server answers with its own proof or a refusal. The MACs are the join's
/// (<see cref="JoinProof"/>), under their own role labels, and bind both certificates, so a proof belongs to this
/// connection's two parties and nothing else.
/// </summary>
/// <remarks>
/// <para>Client hello: <c>MMP1</c>, a 16-byte nonce, Unix seconds (8 bytes, big-endian), a proof count (1 byte, 1 to
/// <see cref="MaxProofs"/>), then one 32-byte proof per secret the client holds, current first, so a node that lists the
/// new secret as a previous one still reaches a node that already has only the new one.</para>
/// <para>Server answer: <c>MMP1</c>, a status byte (<see cref="ConnectionProofStatus"/>), and when accepted a 16-byte nonce and
/// a 32-byte proof under the secret that matched.</para>
/// <para>One round trip per connection, not per request: peers keep their HTTP/2 connections for many requests.</para>
/// </remarks>
internal static class ConnectionProof
{
    public const int NonceLength = 16;
    public const int MacLength = 32;
    public const int MaxProofs = 8;
    public const int AnswerHeaderLength = 5;
    public const int AcceptedAnswerLength = AnswerHeaderLength + NonceLength + MacLength;
    private const int HelloHeaderLength = 4 + NonceLength + 8 + 1;

    private static ReadOnlySpan<byte> Magic => "MMP1"u8;

    public static byte[] Hello(ReadOnlySpan<byte> nonce, long timestamp, IReadOnlyList<byte[]> proofs)
    {
        if (nonce.Length != NonceLength || proofs.Count is 0 or > MaxProofs || proofs.Any(p => p.Length != MacLength))
        {
            throw new ArgumentException("a hello carries a 16-byte nonce and 1 to 8 proofs of 32 bytes");
        }

        var frame = new byte[HelloHeaderLength + (proofs.Count * MacLength)];
        Magic.CopyTo(frame);
        nonce.CopyTo(frame.AsSpan(4));
        BinaryPrimitives.WriteInt64BigEndian(frame.AsSpan(4 + NonceLength), timestamp);
        frame[HelloHeaderLength - 1] = (byte)proofs.Count;
        for (var i = 0; i < proofs.Count; i++)
        {
            proofs[i].CopyTo(frame.AsSpan(HelloHeaderLength + (i * MacLength)));
        }

        return frame;
    }

    /// <summary>
    /// Reads a client hello from the front of <paramref name="buffer"/>. False when more bytes are needed; otherwise the buffer
    /// is advanced past the hello.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a hello (wrong magic, or a proof count outside 1 to 8).</exception>
    public static bool TryParseHello(ref ReadOnlySequence<byte> buffer, out ConnectionHello hello)
    {
        hello = default;
        Span<byte> header = stackalloc byte[HelloHeaderLength];
        if (buffer.Length < 4)
        {
            return false;
        }

        buffer.Slice(0, Math.Min(buffer.Length, HelloHeaderLength)).CopyTo(header);
        if (!header[..4].SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a MeshMind connection proof");
        }

        if (buffer.Length < HelloHeaderLength)
        {
            return false;
        }

        var count = header[HelloHeaderLength - 1];
        if (count is 0 or > MaxProofs)
        {
            throw new InvalidDataException($"a connection proof carries 1 to {MaxProofs} proofs, not {count}");
        }

        var length = HelloHeaderLength + (count * MacLength);
        if (buffer.Length < length)
        {
            return false;
        }

        var frame = buffer.Slice(0, length).ToArray();
        var proofs = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            proofs[i] = frame.AsSpan(HelloHeaderLength + (i * MacLength), MacLength).ToArray();
        }

        hello = new ConnectionHello(frame.AsSpan(4, NonceLength).ToArray(), BinaryPrimitives.ReadInt64BigEndian(frame.AsSpan(4 + NonceLength)), proofs);
        buffer = buffer.Slice(length);
        return true;
    }

    public static byte[] Refusal(ConnectionProofStatus status)
    {
        var frame = new byte[AnswerHeaderLength];
        Magic.CopyTo(frame);
        frame[4] = (byte)status;
        return frame;
    }

    public static byte[] Accepted(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> proof)
    {
        var frame = new byte[AcceptedAnswerLength];
        Magic.CopyTo(frame);
        frame[4] = (byte)ConnectionProofStatus.Accepted;
        nonce.CopyTo(frame.AsSpan(AnswerHeaderLength));
        proof.CopyTo(frame.AsSpan(AnswerHeaderLength + NonceLength));
        return frame;
    }

    /// <summary>The status of a server's answer from its first <see cref="AnswerHeaderLength"/> bytes.</summary>
    /// <exception cref="InvalidDataException">Not an answer: the server does not speak this protocol.</exception>
    public static ConnectionProofStatus ParseAnswerHeader(ReadOnlySpan<byte> header) =>
        header.Length == AnswerHeaderLength && header[..4].SequenceEqual(Magic)
            ? (ConnectionProofStatus)header[4]
            : throw new InvalidDataException("the peer does not speak this version's mesh protocol");
}
