using System.Text.Json;

namespace MeshMind.Mesh.Links;

/// <summary>Encodes and parses link messages. Parsing is total: any byte sequence gives a message or null, never an exception.</summary>
public static class LinkCodec
{
    public const int MaxMessageBytes = 1024 * 1024;

    public static byte[] Encode(LinkMessage message)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(message, LinkJsonContext.Default.LinkMessage);
        return bytes.Length <= MaxMessageBytes
            ? bytes
            : throw new ArgumentException($"a {message.GetType().Name} encodes to {bytes.Length} bytes, over the {MaxMessageBytes}-byte limit", nameof(message));
    }

    /// <summary>The message, or null when the bytes are oversized, malformed or of a type this version does not know.</summary>
    public static LinkMessage? Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length is 0 or > MaxMessageBytes)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(utf8, LinkJsonContext.Default.LinkMessage);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }
}
