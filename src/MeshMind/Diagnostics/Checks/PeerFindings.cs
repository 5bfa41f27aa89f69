using MeshMind.Mesh.Links;
using MeshMind.Mesh.Peers;

namespace MeshMind.Diagnostics.Checks;

/// <summary>The peers: who is linked, who cannot be reached and why the last dial failed, who is revoked, and a copied identity.</summary>
internal static class PeerFindings
{
    /// <summary>Unreachable peers reported one by one.</summary>
    public const int MaxUnreachable = 10;

    public static IEnumerable<Finding> From(IReadOnlyList<PeerInfo> peers, IReadOnlyList<DialStatus> dials, bool duplicateIdentity)
    {
        if (duplicateIdentity)
        {
            yield return Finding.Error("duplicate_node_id",
                "Another node runs with this node's identity (a copied data directory), so the mesh cannot tell the two apart.",
                "Give one of them its own data directory (or delete node.pfx there) and restart it.");
        }

        var linked = peers.Where(p => p is { LinkState: LinkState.Up, Revoked: false }).ToList();
        yield return linked.Count > 0
            ? Finding.Ok("peers_linked", $"Linked to {Plain.Count(linked.Count, "peer")}: {Plain.List([.. linked.Select(p => Plain.Name(p.Name, p.NodeId))])}.")
            : Finding.Warning("no_peers", "This node is linked to no peer.",
                "The other findings say why. The usual causes: the nodes hold different mesh secrets, a firewall blocks TCP 7878 or UDP 5000, " +
                "or the network does not pass broadcasts (then add a static peer, HOST:7878, on the Network screen).");

        var linkedIds = linked.Select(p => p.NodeId).ToHashSet(StringComparer.Ordinal);
        var unreachable = dials
            .Where(d => d is { Failures: > 0, LastError: not null } && (d.NodeId is null || !linkedIds.Contains(d.NodeId))
                && (d.NodeId is null || peers.FirstOrDefault(p => p.NodeId == d.NodeId) is not { Revoked: true }))
            .OrderByDescending(d => d.Static).ThenByDescending(d => d.LastAttempt)
            .ToList();
        foreach (var dial in unreachable.Take(MaxUnreachable))
        {
            var peer = dial.NodeId is null ? null : peers.FirstOrDefault(p => p.NodeId == dial.NodeId);
            var who = dial.Static && peer is null ? "static peer" : Plain.Name(peer?.Name, dial.NodeId);
            var endpoint = dial.Host.Contains(':', StringComparison.Ordinal) ? $"[{dial.Host}]:{dial.Port}" : $"{dial.Host}:{dial.Port}";
            yield return Finding.Warning("dial_failed",
                $"Cannot reach {who} at {endpoint}: {dial.LastError} ({Plain.Count(dial.Failures, "try", "tries")} in a row).",
                "Check that the node runs there, that its mesh port is open to this machine (meshmind doctor on that machine tells), and that both nodes hold the same mesh secret.");
        }

        foreach (var revoked in peers.Where(p => p.Revoked))
        {
            yield return Finding.Info("peer_revoked", $"{Plain.Name(revoked.Name, revoked.NodeId)} is revoked: it is refused until you undo that on the Network screen.");
        }
    }
}
