namespace MeshMind.Llm;

/// <summary>Ollama's model naming: a name without a tag means <c>:latest</c>, and names are not case-sensitive.</summary>
internal static class ModelNames
{
    public static string Normalize(string name)
    {
        var trimmed = name.Trim();
        var slash = trimmed.LastIndexOf('/');
        return trimmed.IndexOf(':', slash + 1) < 0 ? trimmed + ":latest" : trimmed;
    }

    /// <summary>Whether <paramref name="requested"/> (e.g. <c>llama3</c>) names the model <paramref name="available"/> (e.g. <c>llama3:latest</c>).</summary>
    /// <remarks>Compares what <see cref="Normalize"/> would give, without building those strings (it runs for every model of every host, per chat).</remarks>
    public static bool Matches(string requested, string available)
    {
        Split(requested, out var requestedName, out var requestedTag);
        Split(available, out var availableName, out var availableTag);
        return requestedName.Equals(availableName, StringComparison.OrdinalIgnoreCase) && requestedTag.Equals(availableTag, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The name before the tag's colon and the tag (<c>latest</c> when there is none), as <see cref="Normalize"/> splits them.</summary>
    private static void Split(string name, out ReadOnlySpan<char> model, out ReadOnlySpan<char> tag)
    {
        var trimmed = name.AsSpan().Trim();
        var slash = trimmed.LastIndexOf('/');
        var colon = trimmed[(slash + 1)..].IndexOf(':');
        if (colon < 0)
        {
            model = trimmed;
            tag = "latest";
            return;
        }

        model = trimmed[..(slash + 1 + colon)];
        tag = trimmed[(slash + 2 + colon)..];
    }
}
