using MeshMind.Llm.Local;
using MeshMind.Llm.Routing;

namespace MeshMind.Llm.Scheduling;

/// <summary>How busy each host is, and taking one of its slots.</summary>
internal interface IHostSlots
{
    /// <summary>Requests the host is serving now, as far as this node knows.</summary>
    int Busy(LlmCandidate host);

    /// <summary>Counts one more request at the host until the returned scope is disposed.</summary>
    IDisposable Enter(LlmCandidate host);
}

/// <summary>
/// This node's own LLM counts every request it serves (this node's and peers'); a peer counts the requests this node has open
/// there plus the others it last reported (<see cref="HostHealth.Peer.Others"/>).
/// </summary>
internal sealed class HostSlots(LocalLlm local, HostHealth health) : IHostSlots
{
    public int Busy(LlmCandidate host)
    {
        if (host.Host.IsLocal)
        {
            return local.InFlight;
        }

        var peer = health.Of(host.Host.NodeId);
        return peer.Outstanding + peer.Others;
    }

    public IDisposable Enter(LlmCandidate host) => host.Host.IsLocal ? local.Enter() : health.Of(host.Host.NodeId).Enter();
}
