using MeshMind.Llm.Local;
using MeshMind.Llm.Peers;
using MeshMind.Mesh.Peers;
using Microsoft.Extensions.Options;

namespace MeshMind.Llm.Routing;

/// <summary>The hosts that could answer a chat now (this node and linked peers that granted us their LLM), and the mesh's model catalog.</summary>
internal sealed class LlmHosts(LocalLlm local, PeerDirectory peers, PeerLlms peerLlms, HostHealth health, IOptions<LlmOptions> options)
{
    private readonly LlmOptions _options = options.Value;

    /// <summary>Every model the mesh serves (this node's, and linked peers' that granted access), with its hosts.</summary>
    public IReadOnlyList<CatalogModel> Catalog(bool includePeers = true) =>
        [.. Candidates(includePeers)
            .SelectMany(c => c.Capability.Models.Select(m => (Model: m, Candidate: c)))
            .GroupBy(x => ModelNames.Normalize(x.Model.Name), StringComparer.OrdinalIgnoreCase)
            .OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
            .Select(g => new CatalogModel(g.First().Model.Name,
                [.. g.OrderBy(x => x.Candidate.Host.IsLocal ? 0 : 1).ThenBy(x => x.Candidate.Host.Name, StringComparer.Ordinal)
                    .Select(x => new CatalogHost(x.Candidate.Host.NodeId, x.Candidate.Host.Name, x.Candidate.Host.IsLocal, x.Model.Loaded))])
            {
                Details = g.First().Model,
            })];

    /// <summary>The model a request gets: the one it names, else <see cref="LlmOptions.DefaultModel"/>, else this node's first, else the mesh's first.</summary>
    public string? ResolveModel(string? requested, bool includePeers = true)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            return requested.Trim();
        }

        if (_options.DefaultModel.Length > 0)
        {
            return _options.DefaultModel;
        }

        return local.Capability.Models is [var first, ..] ? first.Name : Catalog(includePeers) is [var any, ..] ? any.Name : null;
    }

    /// <summary>This node and every linked peer that has an LLM and granted us access, with what we know of their load.</summary>
    public IReadOnlyList<LlmCandidate> Candidates(bool includePeers = true)
    {
        var candidates = new List<LlmCandidate>();
        var mine = local.Capability;
        if (mine.HasLlm)
        {
            candidates.Add(new LlmCandidate(local.Host, mine, 0, mine.TtftMs, BreakerState.Closed));
        }

        if (!includePeers)
        {
            return candidates;
        }

        foreach (var peer in peers.Snapshot())
        {
            if (peer is { LinkState: LinkState.Up, Revoked: false, Addresses.Count: > 0 }
                && peerLlms.Find(peer.NodeId) is { GrantedPort: > 0, Capability.HasLlm: true } llm)
            {
                var record = health.Of(peer.NodeId);
                var address = peer.Addresses[0];
                candidates.Add(new LlmCandidate(new LlmHost(peer.NodeId, peer.Name, address.ToString(), true, false),
                    llm.Capability, record.Outstanding, record.TtftMs, record.Breaker.State, address, llm.GrantedPort)
                {
                    BreakerOpenedAt = record.Breaker.OpenedAt,
                });
            }
        }

        return candidates;
    }
}
