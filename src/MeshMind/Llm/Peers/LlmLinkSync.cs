using MeshMind.Discovery;
using MeshMind.Infrastructure;
using MeshMind.Llm.Local;
using MeshMind.Llm.Routing;
using MeshMind.Mesh;
using MeshMind.Mesh.Links;
using MeshMind.Node;
using Microsoft.Extensions.Options;

namespace MeshMind.Llm.Peers;

/// <summary>
/// The LLM's part in the mesh (DESIGN §4): sends <c>capability</c> on link-up and whenever it changes, asks peers that
/// have an LLM for access (<c>llm_access_request</c>), answers such requests, and keeps what it learns in
/// <see cref="PeerLlms"/>. Also keeps discovery's advert of this node's LLM up to date.
/// </summary>
internal sealed class LlmLinkSync(
    LocalLlm local,
    MeshLinks links,
    PeerLlms peers,
    HostHealth health,
    DiscoveryAdvert advert,
    BoundEndpoints bound,
    NodeInfo node,
    IOptions<LlmOptions> options) : IMeshParticipant, IHostedService
{
    private readonly Lock _lock = new();
    private CapabilityMessage? _lastSent;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        local.CapabilityChanged += OnCapabilityChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        local.CapabilityChanged -= OnCapabilityChanged;
        return Task.CompletedTask;
    }

    /// <summary>Sends the capability to every peer if anything in it (load and speed included) changed since the last time.</summary>
    public void PublishIfChanged()
    {
        var message = Message();
        lock (_lock)
        {
            if (_lastSent is { } last && last.HasLlm == message.HasLlm && last.ProbeLate == message.ProbeLate && last.InFlight == message.InFlight
                && last.TtftMs == message.TtftMs && last.TokensPerS == message.TokensPerS && last.Models.SequenceEqual(message.Models)
                && SameServing(last.Serving, message.Serving))
            {
                return;
            }

            _lastSent = message;
        }

        links.Broadcast(message);
    }

    public void LinkUp(string nodeId)
    {
        // A peer that linked again (restarted, or its link came back) starts with a closed breaker.
        health.Of(nodeId).Breaker.Reset();
        links.Send(nodeId, Message());
    }

    public void LinkDown(string nodeId) => peers.LinkDown(nodeId);

    public void Received(string nodeId, LinkMessage message)
    {
        switch (message)
        {
            case CapabilityMessage capability:
                peers.Update(nodeId, capability);
                health.Of(nodeId).Reported(capability.InFlight, capability.Serving is { } serving ? serving.GetValueOrDefault(node.NodeId) : null);
                if (capability.HasLlm && peers.Find(nodeId) is { GrantedPort: 0 })
                {
                    links.Send(nodeId, new LlmAccessRequestMessage());
                }

                break;
            case LlmAccessRequestMessage:
                var granted = options.Value.ServePeers && local.Capability.HasLlm;
                links.Send(nodeId, new LlmAccessResponseMessage(granted, granted ? bound.MeshPort : 0));
                break;
            case LlmAccessResponseMessage response:
                peers.Grant(nodeId, response.Granted, response.MeshPort);
                break;
        }
    }

    private CapabilityMessage Message()
    {
        var capability = local.Capability;
        var serving = local.ServingPeers(CapabilityMessage.MaxServing);
        return new CapabilityMessage(capability.HasLlm, capability.Models, capability.InFlight, capability.MaxParallel,
            capability.TtftMs is { } t ? Math.Round(t, 2) : null, capability.TokensPerS is { } r ? Math.Round(r, 2) : null, capability.ProbeLate,
            serving);
    }

    private static bool SameServing(IReadOnlyDictionary<string, int>? a, IReadOnlyDictionary<string, int>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a is null || a.All(p => b!.TryGetValue(p.Key, out var n) && n == p.Value));

    private void OnCapabilityChanged()
    {
        PublishIfChanged();
        var capability = local.Capability;
        advert.Set(capability.HasLlm, capability.Models.Select(m => m.Name));
    }
}
