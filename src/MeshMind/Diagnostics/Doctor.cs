using System.Net.Sockets;
using MeshMind.Diagnostics.Checks;
using MeshMind.Diagnostics.ReachBack;
using MeshMind.Discovery;
using MeshMind.Infrastructure;
using MeshMind.Llm;
using MeshMind.Llm.Local;
using MeshMind.Llm.Peers;
using MeshMind.Mesh;
using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Links;
using MeshMind.Mesh.Peers;
using MeshMind.Node;
using MeshMind.Web;
using Microsoft.Extensions.Options;

namespace MeshMind.Diagnostics;

/// <summary>
/// The doctor for "0 peers" (<c>GET /api/diagnostics</c>, <c>meshmind doctor</c>): reads what discovery, the mesh, the ports,
/// the firewall and the LLM report, runs the reach-back test, and says in plain words what is wrong and how to fix it,
/// problems first. The judging is in <see cref="Checks"/>, pure functions of what is read here.
/// </summary>
internal sealed class Doctor(
    IOptions<DiscoveryOptions> discoveryOptions,
    DiscoveryActivity discovery,
    IOptions<MeshOptions> meshOptions,
    IOptions<HttpOptions> httpOptions,
    IOptions<LlmOptions> llmOptions,
    BoundEndpoints bound,
    LocalLlm localLlm,
    PeerLlms peerLlms,
    PeerDirectory peers,
    LinkManager links,
    DuplicateIdentity duplicates,
    NodeInfo node,
    ReachBackTest reachBack,
    TimeProvider time)
{
    /// <summary>Every finding, problems first; <paramref name="refresh"/> runs the reach-back test again even if a recent result is kept.</summary>
    public async Task<IReadOnlyList<Finding>> ExamineAsync(bool refresh, CancellationToken cancellationToken)
    {
        var discoveryView = new DiscoveryView(
            discoveryOptions.Value,
            discovery.BindError,
            discovery.BindError == SocketError.AddressAlreadyInUse ? PortHolder.Find(ProtocolType.Udp, discoveryOptions.Value.Port) : [],
            string.Equals(discoveryOptions.Value.Mode, "off", StringComparison.OrdinalIgnoreCase) ? [] : DiscoveryTarget.For(discoveryOptions.Value, LanSubnets.Read(discoveryOptions.Value.Interfaces)),
            discovery.Sends(),
            discovery.Senders(),
            node.Uptime,
            time.GetUtcNow());
        var snapshot = peers.Snapshot();
        var peersWithLlm = snapshot
            .Where(p => p is { LinkState: LinkState.Up, Revoked: false } && peerLlms.Find(p.NodeId)?.Capability.HasLlm == true)
            .Select(p => Plain.Name(p.Name, p.NodeId)).ToList();
        var reports = await reachBack.RunAsync(refresh, cancellationToken);

        IEnumerable<Finding> findings =
        [
            .. PeerFindings.From(snapshot, links.DialStatuses(), duplicates.Detected),
            .. DiscoveryFindings.From(discoveryView),
            .. PortFindings.From(httpOptions.Value.BindAddress, bound.HttpPort, meshOptions.Value.BindAddress, bound.MeshPort, discoveryOptions.Value.Mode),
            FirewallFindings.From(FirewallProbe.Read(), bound.MeshPort, discoveryOptions.Value.Port),
            .. ReachBackFindings.From(reports, bound.MeshPort),
            .. LlmFindings.From(llmOptions.Value, localLlm.Capability, peersWithLlm),
        ];
        return [.. findings.OrderBy(f => f.Level)];
    }
}
