using System.Net;

namespace MeshMind.Llm;

/// <summary>
/// A node that could answer: this one or a linked peer that granted us its LLM. <c>Outstanding</c> counts requests this
/// node has open at that peer now (the peer's own count may be a few seconds old); <c>ObservedTtftMs</c> is the time
/// to first token as this node has seen it from that host (running average).
/// </summary>
public sealed record LlmCandidate(
    LlmHost Host,
    LlmCapability Capability,
    int Outstanding,
    double? ObservedTtftMs,
    BreakerState Breaker,
    IPAddress? Address = null,
    int Port = 0)
{
    /// <summary>Requests per slot, counting the ones this node has sent and the host has not reported yet.</summary>
    public double Load => (double)(Capability.InFlight + Outstanding) / Math.Max(1, Capability.MaxParallel);

    public bool HasFreeSlot => Capability.InFlight + Outstanding < Capability.MaxParallel;
}

/// <summary>
/// The order candidates are tried in (DESIGN §6): only hosts with the model and a breaker that is not open; this node
/// first while it has a free slot; then the model already loaded, fewest requests per slot, lowest time to first token.
/// Half-open peers come after healthy ones, so a trial never delays an answer that a healthy host could give.
/// </summary>
public static class CandidateRanker
{
    public static IReadOnlyList<LlmCandidate> Rank(string model, IEnumerable<LlmCandidate> candidates) =>
        [.. candidates
            .Where(c => c.Breaker != BreakerState.Open && c.Capability.Serves(model))
            .OrderBy(c => c.Host.IsLocal && c.HasFreeSlot ? 0 : 1)
            .ThenBy(c => c.Breaker == BreakerState.HalfOpen ? 1 : 0)
            .ThenBy(c => c.Capability.Find(model) is { Loaded: true } ? 0 : 1)
            .ThenBy(c => c.Load)
            .ThenBy(c => c.ObservedTtftMs ?? c.Capability.TtftMs ?? double.MaxValue)
            .ThenBy(c => c.Host.NodeId, StringComparer.Ordinal)];
}
