namespace MeshMind.Llm;

/// <summary>Ollama's model naming: a name without a tag means <c>:latest</c>, and names are not case-sensitive.</summary>
public static class ModelNames
{
    public static string Normalize(string name)
    {
        var trimmed = name.Trim();
        var slash = trimmed.LastIndexOf('/');
        return trimmed.IndexOf(':', slash + 1) < 0 ? trimmed + ":latest" : trimmed;
    }

    /// <summary>Whether <paramref name="requested"/> (e.g. <c>llama3</c>) names the model <paramref name="available"/> (e.g. <c>llama3:latest</c>).</summary>
    public static bool Matches(string requested, string available) =>
        string.Equals(Normalize(requested), Normalize(available), StringComparison.OrdinalIgnoreCase);
}
