using System.Net;

namespace MeshMind.Llm.Routing;

/// <summary>
/// A node that could answer: this one or a linked peer that granted us its LLM. <c>Outstanding</c> counts requests this
/// node has open at that peer now (the peer's own count may be a few seconds old); <c>ObservedTtftMs</c> is the time
/// to first token as this node has seen it from that host (running average).
/// </summary>
internal sealed record LlmCandidate(
    LlmHost Host,
    LlmCapability Capability,
    int Outstanding,
    double? ObservedTtftMs,
    BreakerState Breaker,
    IPAddress? Address = null,
    int Port = 0)
{
    /// <summary>When the peer's breaker last opened (see <see cref="CandidateRanker"/>).</summary>
    public DateTimeOffset BreakerOpenedAt { get; init; }

    /// <summary>Requests per slot, counting the ones this node has sent and the host has not reported yet.</summary>
    public double Load => (double)(Capability.InFlight + Outstanding) / Math.Max(1, Capability.MaxParallel);

    public bool HasFreeSlot => Capability.InFlight + Outstanding < Capability.MaxParallel;
}

/// <summary>
/// The order candidates are tried in (DESIGN §6): only hosts with the model and a breaker that is not open; this node
/// first while it has a free slot; then the model already loaded, fewest requests per slot, lowest time to first token.
/// A host whose last probe was late comes after those that answered theirs, and half-open peers after both, so neither
/// delays an answer a healthy host could give, yet a late host is still tried before the mesh answers 503. When the breaker
/// of every host with the model is open, they are all tried, the least recently failed first: a breaker never refuses every
/// linked host, for they may all have come back (a host that died, restarted and linked again starts closed anyway).
/// </summary>
/// <remarks>
/// Runs for every chat: each candidate's sort key is computed once and the few candidates sorted in place (the node id
/// last makes the order total), instead of a chain of LINQ <c>ThenBy</c>s that allocated about 1.7 KB for one candidate.
/// </remarks>
internal static class CandidateRanker
{
    public static IReadOnlyList<LlmCandidate> Rank(string model, IEnumerable<LlmCandidate> candidates)
    {
        var keyed = new List<(RankKey Key, LlmCandidate Candidate)>(candidates.TryGetNonEnumeratedCount(out var count) ? count : 4);
        foreach (var c in candidates)
        {
            if (c.Breaker != BreakerState.Open && c.Capability.Serves(model))
            {
                keyed.Add((new RankKey(
                    c.Host.IsLocal && c.HasFreeSlot && !c.Capability.ProbeLate ? 0 : 1,
                    c.Breaker == BreakerState.HalfOpen ? 2 : c.Capability.ProbeLate ? 1 : 0,
                    c.Capability.Find(model) is { Loaded: true } ? 0 : 1,
                    c.Load,
                    c.ObservedTtftMs ?? c.Capability.TtftMs ?? double.MaxValue,
                    c.Host.NodeId), c));
            }
        }

        if (keyed.Count == 0)
        {
            return LeastRecentlyFailed(model, candidates);
        }

        if (keyed.Count > 1)
        {
            keyed.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        }

        var ranked = new LlmCandidate[keyed.Count];
        for (var i = 0; i < ranked.Length; i++)
        {
            ranked[i] = keyed[i].Candidate;
        }

        return ranked;
    }

    private static LlmCandidate[] LeastRecentlyFailed(string model, IEnumerable<LlmCandidate> candidates) =>
        [.. candidates.Where(c => c.Capability.Serves(model))
            .OrderBy(c => c.BreakerOpenedAt)
            .ThenBy(c => c.Host.NodeId, StringComparer.Ordinal)];

    /// <summary>A candidate's place, compared field by field in the order of the rules above.</summary>
    private readonly record struct RankKey(int LocalWithFreeSlot, int Doubt, int NotLoaded, double Load, double TtftMs, string NodeId)
        : IComparable<RankKey>
    {
        public int CompareTo(RankKey other)
        {
            var order = LocalWithFreeSlot.CompareTo(other.LocalWithFreeSlot);
            order = order != 0 ? order : Doubt.CompareTo(other.Doubt);
            order = order != 0 ? order : NotLoaded.CompareTo(other.NotLoaded);
            order = order != 0 ? order : Load.CompareTo(other.Load);
            order = order != 0 ? order : TtftMs.CompareTo(other.TtftMs);
            return order != 0 ? order : string.CompareOrdinal(NodeId, other.NodeId);
        }
    }
}
