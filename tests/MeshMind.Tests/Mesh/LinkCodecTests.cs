using System.Text;
using MeshMind.Conversations;
using MeshMind.Files.Peers;
using MeshMind.Llm;
using MeshMind.Llm.Peers;
using MeshMind.Mesh.Links;

namespace MeshMind.Tests.Mesh;

public sealed class LinkCodecTests
{
    /// <summary>A codec that knows every participant's messages, as a node's does.</summary>
    private static readonly LinkCodec Codec = new([.. LlmLinkJsonContext.MessageTypes, .. FileLinkJsonContext.ListTypes, .. FileLinkJsonContext.PinTypes,
        .. ConversationLinkJsonContext.MessageTypes]);
    [Fact]
    public void Encode_ThenParse_RoundTripsEveryType()
    {
        LinkMessage[] messages =
        [
            new HelloMessage(new string('a', 64), "inst", "node", "0.1.0", 8080, 7878),
            new CapabilityMessage(true, [new ModelInfo("llama3:latest", true, 1, "llama", "8B")], 1, 4, 12.5, 40),
            new CapabilityMessage(true, [], 3, 4, null, null, Serving: new Dictionary<string, int> { [new string('e', 64)] = 2 }),
            new LlmAccessRequestMessage(),
            new LlmAccessResponseMessage(true, 7878),
            new FileAnnounceMessage([new AnnouncedFile(new string('c', 64), "a.txt", 3, "text/plain", DateTimeOffset.UnixEpoch)]),
            new FileRemovedMessage("a.txt"),
            new FileRemovedMessage("a.txt", new string('d', 64)),
            new FileAnnounceMessage([new AnnouncedFile(new string('c', 64), "a.txt", 3, "text/plain", DateTimeOffset.UnixEpoch,
                Pinned: true, Origin: new string('d', 64), OriginName: "origin")]),
            new FilePinMessage([new AnnouncedFile(new string('c', 64), "a.txt", 3, "text/plain", DateTimeOffset.UnixEpoch, Pinned: true)]),
            new FilePinMessage([], Sync: true),
            new FilePinResultMessage(new string('c', 64), "a.txt", Accepted: false, "no room"),
            new FileUnpinMessage("a.txt"),
            new PingMessage(7),
            new PongMessage(7),
            new PeerExchangeMessage([new ExchangedPeer(new string('b', 64), ["10.0.0.2"], 7878)]),
            new PeerChangesMessage([new ExchangedPeer(new string('c', 64), ["10.0.0.3"], 7878)], [new string('d', 64)]),
        ];

        foreach (var message in messages)
        {
            var parsed = Codec.Parse(Codec.Encode(message));
            Assert.NotNull(parsed);
            Assert.Equal(message.GetType(), parsed.GetType());
            Assert.Equal(Encoding.UTF8.GetString(Codec.Encode(message)), Encoding.UTF8.GetString(Codec.Encode(parsed)));
        }

        Assert.StartsWith("{\"type\":\"ping\"", Encoding.UTF8.GetString(Codec.Encode(new PingMessage(1))), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ACapabilityFromANodeBeforeDigests_ModelsHaveEmptyDigestAndQuantization()
    {
        var parsed = Codec.Parse("""
            {"type":"capability","has_llm":true,"models":[{"name":"llama3:latest","loaded":true,"size":1,"family":"llama","parameter_size":"8B"}],"in_flight":0,"max_parallel":4,"ttft_ms":null,"tokens_per_s":null}
            """u8);

        var capability = Assert.IsType<CapabilityMessage>(parsed);
        var model = Assert.Single(capability.Models);
        Assert.Null(capability.Serving); // an older node does not say whom it serves: its peers fall back to their own count
        Assert.Equal("llama3:latest", model.Name);
        Assert.Equal("", model.Digest);
        Assert.Equal("", model.QuantizationLevel);
    }

    [Fact]
    public void Encode_ACapability_CarriesDigestAndQuantization()
    {
        var text = Encoding.UTF8.GetString(Codec.Encode(new CapabilityMessage(true,
            [new ModelInfo("llama3:latest", true, 1, "llama", "8B", new string('a', 64), "Q4_0")], 0, 4, null, null)));

        Assert.Contains($"\"digest\":\"{new string('a', 64)}\"", text, StringComparison.Ordinal);
        Assert.Contains("\"quantization_level\":\"Q4_0\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AFileAnnouncementFromANodeWithoutReplication_HasNoOriginAndIsNotPinned()
    {
        var parsed = Codec.Parse("""
            {"type":"file_announce","files":[{"id":"cc","name":"a.txt","size":3,"content_type":"text/plain","modified":"2026-01-01T00:00:00Z"}]}
            """u8);

        var file = Assert.Single(Assert.IsType<FileAnnounceMessage>(parsed).Files);
        Assert.Null(file.Origin);
        Assert.False(file.Pinned);
        Assert.Equal("a.txt", file.Key);
    }

    [Theory]
    [InlineData("{\"type\":\"not_a_message_type\",\"files\":[]}")]
    [InlineData("{\"id\":1}")]
    [InlineData("{\"type\":\"ping\",\"id\":\"x\"}")]
    [InlineData("[]")]
    [InlineData("")]
    public void Parse_UnknownOrMalformed_Null(string text) => Assert.Null(Codec.Parse(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Parse_OverOneMebibyte_Null() => Assert.Null(Codec.Parse(new byte[LinkCodec.MaxMessageBytes + 1]));

    [Fact]
    public void Parse_RandomAndMutatedBytes_NeverThrows()
    {
        var random = new Random(7878);
        var valid = Codec.Encode(new PeerExchangeMessage([new ExchangedPeer(new string('c', 64), ["10.0.0.3", "10.1.0.3"], 7878)]));
        for (var i = 0; i < 20_000; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[random.Next(0, 512)];
                random.NextBytes(input);
            }
            else
            {
                input = (byte[])valid.Clone();
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    input[random.Next(input.Length)] = (byte)random.Next(256);
                }
            }

            _ = Codec.Parse(input);
        }
    }

    [Fact]
    public void Constructor_ATypeNameRegisteredTwice_Throws() =>
        Assert.Throws<InvalidOperationException>(() => new LinkCodec([LinkMessageType.Of<LlmAccessRequestMessage>("ping", LlmLinkJsonContext.Default)]));

    [Fact]
    public void Parse_AFeaturesMessage_UnknownToACodecWithoutThatFeature_IsNull()
    {
        var bare = new LinkCodec([]);

        Assert.Null(bare.Parse(Codec.Encode(new FileUnpinMessage("a.txt"))));
        Assert.IsType<PingMessage>(bare.Parse(Codec.Encode(new PingMessage(3))));
    }

    /// <summary>
    /// The fuzzer's finding (seed 9rKjWX6E4wh1): a file_pin_result whose second property name holds an invalid UTF-8 byte and
    /// whose value is a long run of 'c'. It is refused, and parsing it again costs what the fuzz target allows (32 KiB + 64
    /// per byte); its 102 KB under load the first time was the process's one-time work on that thread, not the input's.
    /// </summary>
    [Fact]
    public void Parse_InvalidUtf8InAPropertyName_IsNullAndItsCostIsWithinTheFuzzBound()
    {
        var input = Convert.FromHexString(
            "7B2274797065223A2266696C655F70696E5F726573756C74222C2269D864223A22" + string.Concat(Enumerable.Repeat("63", 83)) + "54" + string.Concat(Enumerable.Repeat("63", 16)));
        var target = (MeshMind.Testing.Fuzz.FuzzTarget<byte[]>)MeshMind.Testing.Fuzz.FuzzTargets.Link();

        Assert.Null(Codec.Parse(input));
        var (allocated, _) = target.Measure(input);
        Assert.InRange(allocated, 1, target.FixedBytes + (target.BytesPerInputByte * input.Length));
    }
}
