using System.Diagnostics.Metrics;
using MeshMind.Mesh.Peers;
using MeshMind.Mesh.Transport;

namespace MeshMind.Mesh;

/// <summary>
/// The mesh's instruments (meter <c>MeshMind.Mesh</c>): <c>meshmind.peers.linked</c> and <c>meshmind.peers.online</c>
/// (gauges), <c>meshmind.mesh.link.rtt</c> (ms) {peer.node_id, peer.name}, one measurement per answered ping, and
/// <c>meshmind.mesh.connections.dropped</c> {reason}: connections to the mesh port closed before they proved admission.
/// The links' bytes are the <c>links</c> channel of <c>meshmind.network.bytes</c>.
/// </summary>
internal sealed class MeshMetrics
{
    public const string MeterName = "MeshMind.Mesh";
    private readonly Histogram<double> _rtt;

    public MeshMetrics(IMeterFactory meters, PeerDirectory peers, MeshConnectionGate gate)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("meshmind.peers.linked", () => peers.LinkedCount, "{peer}", "Peers with a live link");
        meter.CreateObservableGauge("meshmind.peers.online", () => peers.Snapshot().Count(p => p.Online && !p.Revoked), "{peer}",
            "Peers heard of recently (discovery, links or peer exchange), revoked ones excluded");
        meter.CreateObservableCounter("meshmind.mesh.connections.dropped",
            () => gate.DroppedByReason().Select(d => new Measurement<long>(d.Count, new KeyValuePair<string, object?>("reason", d.Reason.ToString()))),
            "{connection}", "Mesh connections closed before they proved admission, by reason (Deadline, EvictedAddressCap, RefusedAddressCap, EvictedTotalCap, RefusedTotalCap)");
        _rtt = meter.CreateHistogram<double>("meshmind.mesh.link.rtt", "ms", "Round trip of each answered ping, per peer");
    }

    public void RoundTrip(string nodeId, string name, double milliseconds) =>
        _rtt.Record(milliseconds, new KeyValuePair<string, object?>("peer.node_id", nodeId), new KeyValuePair<string, object?>("peer.name", name));
}
