namespace MeshMind.Llm.Routing;

/// <summary>
/// A person's say in where an answer runs: <see cref="Only"/> pins it to one node ("regenerate on gpu-box"), <see cref="Avoid"/>
/// keeps it off one ("retry on another host"). Both are node ids; the ranking decides among what is left.
/// </summary>
internal sealed record HostChoice(string? Only = null, string? Avoid = null)
{
    public IReadOnlyList<LlmCandidate> Apply(IReadOnlyList<LlmCandidate> ranked) =>
        Only is null && Avoid is null ? ranked : [.. ranked.Where(c => (Only is null || c.Host.NodeId == Only) && c.Host.NodeId != Avoid)];
}
