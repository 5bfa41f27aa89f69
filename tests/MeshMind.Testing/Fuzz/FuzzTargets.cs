using System.Text;
using CsCheck;
using MeshMind.Conversations;
using MeshMind.Discovery;
using MeshMind.Files.Api;
using MeshMind.Files.Peers;
using MeshMind.Files.Store;
using MeshMind.Llm;
using MeshMind.Llm.Peers;
using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Links;

namespace MeshMind.Testing.Fuzz;

/// <summary>
/// The parsers that take bytes from the network or names from users (issue 14, chaos suite, "Fuzzing"): the discovery
/// datagram, the link message, the join body, file names and the upload's multipart body. Shared by the tests (a short
/// profile) and <c>bench chaos fuzz</c> (the long one).
/// </summary>
public static class FuzzTargets
{
    private const long Now = 1_800_000_000_000;
    private static readonly MeshKeySet s_keys = MeshKeys.Derive("the-fuzzed-mesh-secret-0123456789");

    private static readonly LinkCodec s_codec = new([.. LlmLinkJsonContext.MessageTypes, .. FileLinkJsonContext.ListTypes,
        .. FileLinkJsonContext.PinTypes, .. ConversationLinkJsonContext.MessageTypes]);

    public static IReadOnlyList<IFuzzTarget> All { get; } = [Discovery(), Link(), Join(), FileName(), Upload()];

    /// <summary>
    /// Discovery datagrams: random bytes, mutated signed datagrams, and mutated payloads signed after mutation (so the JSON
    /// parser and the field checks behind the tag are reached). <see cref="DiscoveryCodec.Decode"/> never throws.
    /// </summary>
    public static IFuzzTarget Discovery()
    {
        var announcement = Gen.Select(Gen.OneOf(Gen.Const(Announcement.Online), Gen.Const(Announcement.Offline)), Gen.String, Gen.Int[0, 70000],
            Gen.Long[Now - 200_000, Now + 200_000],
            (type, name, port, ts) => new Announcement(type, 1, new string('a', 64), "0123456789abcdef",
                name.Length > 60 ? name[..60] : name, Math.Clamp(port, 1, 65535), port, port % 2 == 0, "d1", ts));
        var signed = announcement.Select(a => Sign(Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(a, DiscoveryJsonContext.Default.Announcement))));
        var input = Gen.Frequency(
            (1, Gen.Byte.Array[0, 1400]),
            (3, Mutations.Of(signed)),
            (4, Mutations.Of(signed.Select(d => d[(DiscoveryCodec.HeaderBytes + DiscoveryCodec.TagBytes)..])).Select(Sign)));
        return new FuzzTarget<byte[]>("discovery datagram", input, bytes =>
        {
            var (value, reason) = DiscoveryCodec.Decode(bytes, [s_keys], Now);
            if ((value is null) == (reason == DropReason.None))
            {
                throw new InvalidOperationException($"Decode gave {value} with reason {reason}");
            }
        }, bytes => bytes.Length, FixedBytes: 16 * 1024, BytesPerInputByte: 16);
    }

    /// <summary>Link messages (the WebSocket message's bytes): every type a node knows, mutated. <see cref="LinkCodec.Parse"/> never throws.</summary>
    public static IFuzzTarget Link()
    {
        LinkMessage[] examples =
        [
            new HelloMessage(new string('a', 64), "inst", "node", "0.1.0", 8080, 7878),
            new CapabilityMessage(true, [new ModelInfo("llama3:latest", true, 1, "llama", "8B")], 1, 4, 12.5, 40),
            new LlmAccessRequestMessage(),
            new LlmAccessResponseMessage(true, 7878),
            new FileAnnounceMessage([new AnnouncedFile(new string('c', 64), "a.txt", 3, "text/plain", DateTimeOffset.UnixEpoch,
                Pinned: true, Origin: new string('d', 64), OriginName: "origin")]),
            new FileRemovedMessage("a.txt", new string('d', 64)),
            new FilePinMessage([], Sync: true),
            new FilePinResultMessage(new string('c', 64), "a.txt", Accepted: false, "no room"),
            new FileUnpinMessage("a.txt"),
            new PingMessage(7),
            new PongMessage(7),
            new PeerExchangeMessage([new ExchangedPeer(new string('b', 64), ["10.0.0.2", "fe80::1"], 7878)]),
            new PeerChangesMessage([new ExchangedPeer(new string('c', 64), ["10.0.0.3"], 7878)], [new string('d', 64)]),
        ];
        var valid = Gen.OneOf([.. examples.Select(m => Gen.Const(s_codec.Encode(m)))]);
        var input = Gen.Frequency((1, Gen.Byte.Array[0, 2000]), (9, Mutations.Of(valid, maxMutations: 8)));
        return new FuzzTarget<byte[]>("link message", input, bytes => s_codec.Parse(bytes), bytes => bytes.Length,
            FixedBytes: 32 * 1024, BytesPerInputByte: 64);
    }

    /// <summary><c>POST /mesh/join</c> bodies: valid requests, mutated. <see cref="Admitter.Parse"/> gives a request or null.</summary>
    public static IFuzzTarget Join()
    {
        var valid = Gen.Select(Gen.String, Gen.Long, (name, ts) => Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(
            new JoinRequest(new string('a', 64), "0123456789abcdef", name, "nonce-0123456789", ts, new string('f', 64)), MeshJsonContext.Default.JoinRequest)));
        var input = Gen.Frequency((1, Gen.Byte.Array[0, 600]), (9, Mutations.Of(valid, maxMutations: 8)));
        return new FuzzTarget<byte[]>("join body", input, bytes => Admitter.Parse(bytes), bytes => bytes.Length,
            FixedBytes: 16 * 1024, BytesPerInputByte: 32);
    }

    /// <summary>
    /// File names from a mix of plain, reserved, invisible, combining and unpaired-surrogate characters. Only refusals or
    /// names that pass the checks again unchanged (idempotent, NFC, no separator, at most 255 bytes) come out.
    /// </summary>
    public static IFuzzTarget FileName()
    {
        var character = Gen.Frequency(
            (6, Gen.Char['a', 'z']),
            (2, Gen.Char[' ', '~']),
            (1, Gen.Char[(char)0, (char)0x1f]),
            (2, Gen.Char['\u0300', '\u036f']),
            (2, Gen.OneOf(Gen.Const('\u202e'), Gen.Const('\u200b'), Gen.Const('\u200d'), Gen.Const('\ufeff'), Gen.Const('\u2066'),
                Gen.Const('\u061c'), Gen.Const('\u3164'), Gen.Const('\u2028'), Gen.Const('\u00ad'), Gen.Const('.'), Gen.Const('¹'))),
            (1, Gen.Char['\ud800', '\udfff']),
            (2, Gen.Char['\u00a0', '\uffff']));
        var reserved = Gen.OneOf(Gen.Const("CON"), Gen.Const("lpt1"), Gen.Const("COM¹"), Gen.Const("."), Gen.Const(".."), Gen.Const(" "),
            Gen.Const(""), Gen.Const("a.txt"));
        var input = Gen.Frequency(
            (8, character.Array[0, 140].Select(cs => new string(cs))),
            (2, Gen.Select(reserved, character.Array[0, 6], (r, cs) => r + new string(cs))),
            (1, Gen.Int[200, 400].Select(n => new string('é', n / 2))));
        return new FuzzTarget<string>("file name", input, raw =>
        {
            var (name, error) = FileNames.Check(raw);
            _ = FileNames.ForLookup(raw);
            if ((name is null) == (error is null))
            {
                throw new InvalidOperationException("Check gave both a name and an error, or neither");
            }

            if (name is not null && (FileNames.Check(name).Name != name || name.Contains('/', StringComparison.Ordinal)
                || name.Contains('\\', StringComparison.Ordinal) || Encoding.UTF8.GetByteCount(name) > FileNames.MaxBytes || name is "." or ".."))
            {
                throw new InvalidOperationException($"Check accepted '{name}', which does not pass again unchanged");
            }
        }, raw => raw.Length * 2, FixedBytes: 16 * 1024, BytesPerInputByte: 64);
    }

    /// <summary>
    /// <c>POST /api/upload</c>: content types and multipart bodies with file and other fields, names in <c>filename</c> and
    /// <c>filename*</c>, mutated and cut. <see cref="UploadReader"/> gives a section, a refusal or throws
    /// <see cref="InvalidDataException"/> (400); the file's section is read to its end.
    /// </summary>
    public static IFuzzTarget Upload()
    {
        var boundary = Gen.OneOf(Gen.Const("XyZ"), Gen.Const("----WebKitFormBoundary7MA4YWxkTrZu0gW"), Gen.Const("a b"), Gen.Const("\"q\""),
            Gen.Char['!', '~'].Array[1, 80].Select(cs => new string(cs)));
        var fileName = Gen.OneOf(Gen.Const("a.txt"), Gen.Const("..\\..\\x"), Gen.Const("\u202etxt.exe"), Gen.Const(""), Gen.String[0, 40]);
        var section = Gen.Select(Gen.Int[0, 4], fileName, Gen.Byte.Array[0, 300], (kind, name, content) => kind switch
        {
            0 => $"Content-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n",
            1 => $"Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''{Uri.EscapeDataString(name)}\r\n\r\n",
            2 => "Content-Disposition: form-data; name=\"note\"\r\n\r\n",
            3 => $"Content-Disposition: attachment; name=file; filename={name}\r\n\r\n",
            _ => "X-Other: 1\r\n\r\n",
        } is var head ? (head, content) : default);
        var request = Gen.Select(boundary, section.Array[0, 4], Gen.Bool, (b, sections, close) =>
        {
            var body = new List<byte>();
            foreach (var (head, content) in sections)
            {
                body.AddRange(Encoding.UTF8.GetBytes($"--{b}\r\n{head}"));
                body.AddRange(content);
                body.AddRange("\r\n"u8.ToArray());
            }

            if (close)
            {
                body.AddRange(Encoding.UTF8.GetBytes($"--{b}--\r\n"));
            }

            return (ContentType: $"multipart/form-data; boundary={b}", Body: body.ToArray());
        });
        var input = Gen.Select(request, Gen.Int[0, 9], Gen.String[0, 60], (r, choice, junk) => choice switch
        {
            0 => (ContentType: junk, r.Body),
            1 => (ContentType: $"multipart/form-data; boundary=\"{junk}\"", r.Body),
            _ => r,
        }).SelectMany(r => Mutations.Of(Gen.Const(r.Body), maxMutations: 6).Select(body => (r.ContentType, Body: body)));
        return new FuzzTarget<(string ContentType, byte[] Body)>("upload multipart", input, r =>
        {
            if (UploadReader.Boundary(r.ContentType) is not { } b)
            {
                return;
            }

            using var body = new MemoryStream(r.Body, writable: false);
            var (found, name, error) = UploadReader.ReadFileAsync(b, body, CancellationToken.None).GetAwaiter().GetResult();
            if (found is not null)
            {
                if (name is null || FileNames.Check(name).Name != name)
                {
                    throw new InvalidOperationException($"a file section came with the unchecked name '{name}'");
                }

                found.Body.CopyToAsync(Stream.Null).GetAwaiter().GetResult();
            }
            else if (error is null)
            {
                throw new InvalidOperationException("neither a file nor a reason");
            }
        },
            // The reader rents a 256 KiB buffer (UploadReader.BufferSize) per request and, not being disposable, never returns
            // it to the pool: a fixed cost per upload, as in the node.
            r => r.Body.Length + (r.ContentType.Length * 2), FixedBytes: UploadReader.BufferSize + (64 * 1024), BytesPerInputByte: 64,
            IsDocumented: ex => ex is InvalidDataException);
    }

    private static byte[] Sign(byte[] payload)
    {
        var datagram = new byte[DiscoveryCodec.HeaderBytes + DiscoveryCodec.TagBytes + payload.Length];
        datagram[0] = (byte)'M';
        datagram[1] = (byte)'M';
        datagram[2] = 1;
        payload.CopyTo(datagram.AsSpan(DiscoveryCodec.HeaderBytes + DiscoveryCodec.TagBytes));
        using var hmac = System.Security.Cryptography.IncrementalHash.CreateHMAC(System.Security.Cryptography.HashAlgorithmName.SHA256, s_keys.Discovery);
        hmac.AppendData(datagram.AsSpan(0, DiscoveryCodec.HeaderBytes));
        hmac.AppendData(payload);
        hmac.GetHashAndReset(datagram.AsSpan(DiscoveryCodec.HeaderBytes, DiscoveryCodec.TagBytes));
        return datagram;
    }
}
