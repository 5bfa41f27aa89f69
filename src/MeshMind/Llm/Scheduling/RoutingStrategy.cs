namespace MeshMind.Llm.Scheduling;

/// <summary>The values of <c>Llm:Routing</c>: how a chat's host is chosen.</summary>
internal static class RoutingStrategy
{
    /// <summary>
    /// The host where the chat is expected to finish first (wait + load + prompt + tokens ÷ rate, from what each host has been
    /// measured to do), never past a host's slots: when every host is full the chat waits here, people taking turns
    /// (<see cref="LlmScheduler"/>).
    /// </summary>
    public const string MeshMind = "meshmind";

    /// <summary>The host with the fewest requests open from this node now, sent at once (as Olla and OllamaFlow define it).</summary>
    public const string LeastConnections = "least-connections";

    /// <summary>The hosts in turn, whatever their load, sent at once (as Olla and OllamaFlow define it).</summary>
    public const string RoundRobin = "round-robin";

    /// <summary>This node while it has a free slot, then the loaded model, fewest requests per slot, fastest first token (the ranking before issue 17).</summary>
    public const string LocalFirst = "local-first";

    public static readonly IReadOnlyList<string> All = [MeshMind, LeastConnections, RoundRobin, LocalFirst];
}
