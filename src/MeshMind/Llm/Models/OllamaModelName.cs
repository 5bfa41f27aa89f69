namespace MeshMind.Llm.Models;

/// <summary>
/// A model's full name as Ollama stores it: <c>host/namespace/model:tag</c>, with <c>registry.ollama.ai</c>, <c>library</c>
/// and <c>latest</c> for what a short name leaves out (Ollama's <c>types/model/name.go</c>). Its parts become folders of
/// the models directory, so only names whose every part passes Ollama's own rules are ever made into a path.
/// </summary>
internal sealed record OllamaModelName(string Host, string Namespace, string Model, string Tag)
{
    public const string DefaultHost = "registry.ollama.ai";
    public const string DefaultNamespace = "library";
    public const string DefaultTag = "latest";

    /// <summary>The longest name accepted (Ollama: host 350, each other part 80).</summary>
    public const int MaxLength = 350 + 3 * 80 + 3;

    /// <summary>The name as Ollama lists it: <c>llama3:latest</c>, <c>someone/model:tag</c>, <c>host/ns/model:tag</c>.</summary>
    public string Display =>
        Host == DefaultHost
            ? (Namespace == DefaultNamespace ? $"{Model}:{Tag}" : $"{Namespace}/{Model}:{Tag}")
            : $"{Host}/{Namespace}/{Model}:{Tag}";

    /// <summary>The manifest's path under <c>manifests/</c>.</summary>
    public string RelativeManifestPath => Path.Combine(Host, Namespace, Model, Tag);

    /// <summary>
    /// Parses <c>[[host/]namespace/]model[:tag]</c>; null when any part breaks Ollama's rules (first character a letter, digit
    /// or underscore; then also <c>-</c> and <c>_</c>, and <c>.</c> except in the namespace; at most 80 characters, the host
    /// 350). A host with a port (<c>:</c>) is refused here: the colon cannot be a folder name on Windows.
    /// </summary>
    public static OllamaModelName? Parse(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength || name.Contains('@', StringComparison.Ordinal))
        {
            return null;
        }

        var slash = name.LastIndexOf('/');
        var colon = name.IndexOf(':', slash + 1);
        var tag = colon < 0 ? DefaultTag : name[(colon + 1)..];
        var parts = (colon < 0 ? name : name[..colon]).Split('/');
        var (host, space, model) = parts switch
        {
            [var m] => (DefaultHost, DefaultNamespace, m),
            [var n, var m] => (DefaultHost, n, m),
            [var h, var n, var m] => (h, n, m),
            _ => ("", "", ""),
        };
        return IsValidPart(host, 350, allowDot: true) && IsValidPart(space, 80, allowDot: false) && IsValidPart(model, 80, allowDot: true)
            && IsValidPart(tag, 80, allowDot: true)
            ? new OllamaModelName(host, space, model, tag)
            : null;
    }

    private static bool IsValidPart(string part, int maxLength, bool allowDot)
    {
        if (part.Length is 0 || part.Length > maxLength || !IsWordCharacter(part[0]))
        {
            return false;
        }

        foreach (var c in part.AsSpan(1))
        {
            if (!(IsWordCharacter(c) || c == '-' || (c == '.' && allowDot)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsWordCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
