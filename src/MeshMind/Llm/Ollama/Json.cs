using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace MeshMind.Llm.Ollama;

/// <summary>Small JSON values built without reflection, for options that travel as JSON.</summary>
internal static class Json
{
    public static JsonElement? Number(double? value) =>
        value is { } v && double.IsFinite(v) ? Parse(v.ToString("R", CultureInfo.InvariantCulture)) : null;

    public static JsonElement? Number(long? value) => value is { } v ? Parse(v.ToString(CultureInfo.InvariantCulture)) : null;

    public static JsonElement? Strings(IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>One array of <paramref name="items"/>, in order.</summary>
    public static JsonElement Array(IEnumerable<JsonElement> items)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var item in items)
            {
                item.WriteTo(writer);
            }

            writer.WriteEndArray();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
