using MeshMind.Discovery;
using MeshMind.Infrastructure;
using MeshMind.Mesh;
using MeshMind.Mesh.Links;
using Microsoft.Extensions.Options;

namespace MeshMind.Llm;

/// <summary>
/// Carries LLM capability over the links (DESIGN §4): sends <c>capability</c> on link-up and whenever it changes, asks
/// peers that have an LLM for access (<c>llm_access_request</c>), and answers such requests.
/// </summary>
public sealed class LlmLinkSync(
    LocalLlm local,
    LinkManager links,
    PeerDirectory peers,
    DiscoveryService discovery,
    BoundEndpoints bound,
    IOptions<LlmOptions> options) : IHostedService
{
    private readonly Lock _lock = new();
    private CapabilityMessage? _lastSent;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        links.LinkUp += OnLinkUp;
        links.MessageReceived += OnMessage;
        local.CapabilityChanged += OnCapabilityChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        links.LinkUp -= OnLinkUp;
        links.MessageReceived -= OnMessage;
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
                && last.TtftMs == message.TtftMs && last.TokensPerS == message.TokensPerS && last.Models.SequenceEqual(message.Models))
            {
                return;
            }

            _lastSent = message;
        }

        links.Broadcast(message);
    }

    private CapabilityMessage Message()
    {
        var capability = local.Capability;
        return new CapabilityMessage(capability.HasLlm, capability.Models, capability.InFlight, capability.MaxParallel,
            capability.TtftMs is { } t ? Math.Round(t, 2) : null, capability.TokensPerS is { } r ? Math.Round(r, 2) : null, capability.ProbeLate);
    }

    private void OnCapabilityChanged()
    {
        PublishIfChanged();
        discovery.AnnounceSoon();
    }

    private void OnLinkUp(string nodeId) => links.Send(nodeId, Message());

    private void OnMessage(string nodeId, LinkMessage message)
    {
        switch (message)
        {
            case CapabilityMessage capability:
                peers.UpdateCapability(nodeId, capability);
                if (capability.HasLlm && peers.Find(nodeId) is { LlmGrantedPort: 0 })
                {
                    links.Send(nodeId, new LlmAccessRequestMessage());
                }

                break;
            case LlmAccessRequestMessage:
                var granted = options.Value.ServePeers && local.Capability.HasLlm;
                links.Send(nodeId, new LlmAccessResponseMessage(granted, granted ? bound.MeshPort : 0));
                break;
            case LlmAccessResponseMessage response:
                peers.UpdateLlmAccess(nodeId, response.Granted, response.MeshPort);
                break;
        }
    }
}
