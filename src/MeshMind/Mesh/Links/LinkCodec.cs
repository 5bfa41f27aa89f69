using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MeshMind.Mesh.Links;

/// <summary>
/// Encodes and parses link messages of every registered type (the link layer's own and the participants').
/// Parsing is total: any byte sequence gives a message or null, never an exception.
/// </summary>
/// <remarks>
/// The <c>type</c> discriminator is added to <see cref="LinkMessage"/>'s contract at run time from the registered
/// <see cref="LinkMessageType"/>s (a resolver modifier over the source-generated contracts), so the mesh layer needs to
/// know no feature's message, and no reflection is used.
/// </remarks>
internal sealed class LinkCodec
{
    public const int MaxMessageBytes = 1024 * 1024;

    /// <summary>The link layer's own message types.</summary>
    public static readonly IReadOnlyList<LinkMessageType> CoreTypes =
    [
        LinkMessageType.Of<HelloMessage>("hello", LinkJsonContext.Default),
        LinkMessageType.Of<PingMessage>("ping", LinkJsonContext.Default),
        LinkMessageType.Of<PongMessage>("pong", LinkJsonContext.Default),
        LinkMessageType.Of<PeerExchangeMessage>("peer_exchange", LinkJsonContext.Default),
        LinkMessageType.Of<PeerChangesMessage>("peer_changes", LinkJsonContext.Default),
    ];

    private readonly Lazy<JsonTypeInfo<LinkMessage>> _message;

    /// <param name="types">The participants' message types; the link layer's own are always included.</param>
    public LinkCodec(IEnumerable<LinkMessageType> types)
    {
        var all = CoreTypes.Concat(types).ToList();
        var duplicate = all.GroupBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"the link message type '{duplicate.Key}' is registered twice");
        }

        Types = all;
        _message = new Lazy<JsonTypeInfo<LinkMessage>>(() => Contract(all));
    }

    /// <summary>Every message type this codec knows.</summary>
    public IReadOnlyList<LinkMessageType> Types { get; }

    /// <summary>The polymorphic contract of <see cref="LinkMessage"/>, made at the first message (a node that never links never pays for it).</summary>
    private static JsonTypeInfo<LinkMessage> Contract(IReadOnlyList<LinkMessageType> all)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            MaxDepth = 16,
            TypeInfoResolver = JsonTypeInfoResolver.Combine([LinkJsonContext.Default, .. all.Select(t => t.Resolver).Distinct()])
                .WithAddedModifier(contract =>
                {
                    if (contract.Type != typeof(LinkMessage))
                    {
                        return;
                    }

                    contract.PolymorphismOptions = new JsonPolymorphismOptions
                    {
                        TypeDiscriminatorPropertyName = "type",
                        UnknownDerivedTypeHandling = System.Text.Json.Serialization.JsonUnknownDerivedTypeHandling.FailSerialization,
                    };
                    foreach (var type in all)
                    {
                        contract.PolymorphismOptions.DerivedTypes.Add(new System.Text.Json.Serialization.Metadata.JsonDerivedType(type.Type, type.Name));
                    }
                }),
        };
        options.MakeReadOnly();
        return (JsonTypeInfo<LinkMessage>)options.GetTypeInfo(typeof(LinkMessage));
    }

    public byte[] Encode(LinkMessage message)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message, _message.Value);
        return bytes.Length <= MaxMessageBytes
            ? bytes
            : throw new ArgumentException($"a {message.GetType().Name} encodes to {bytes.Length} bytes, over the {MaxMessageBytes}-byte limit", nameof(message));
    }

    /// <summary>The message, or null when the bytes are oversized, malformed or of a type this node does not know.</summary>
    public LinkMessage? Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length is 0 or > MaxMessageBytes)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(utf8, _message.Value);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }
}
