using MeshMind.Infrastructure;
using MeshMind.Llm.Local;
using MeshMind.Mesh.Peers;
using MeshMind.Mesh.Transport;
using MeshMind.Node;
using Microsoft.Extensions.Options;

namespace MeshMind.Llm.Models;

/// <summary>
/// Where a model operation for a node goes: this node's own Ollama (<see cref="LlmOptions.OllamaUrl"/>), or a linked peer's mesh
/// port, which hands it to its own Ollama (<see cref="PeerModelEndpoints"/>).
/// </summary>
internal sealed class ModelNodes : IDisposable
{
    private readonly LocalLlm _local;
    private readonly PeerDirectory _peers;
    private readonly PeerHttpClients _clients;
    private readonly NodeInfo _node;
    private readonly LlmOptions _options;
    private readonly Lazy<HttpClient> _ollama;

    public ModelNodes(LocalLlm local, PeerDirectory peers, PeerHttpClients clients, NodeInfo node, IOptions<LlmOptions> options,
        OutboundCallMetrics calls, TimeProvider time)
    {
        (_local, _peers, _clients, _node, _options) = (local, peers, clients, node, options.Value);
        // Its own client rather than the chat backend's: a pull runs for minutes and must not be cut by any chat timeout.
        _ollama = new Lazy<HttpClient>(() => new HttpClient(new CallMetricsHandler("llm", calls, time, new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(2) }))
        {
            BaseAddress = new Uri(_options.OllamaUrl.TrimEnd('/') + "/"),
            Timeout = Timeout.InfiniteTimeSpan,
        });
    }

    /// <summary>This node's Ollama, or null with the reason when its LLM is not an Ollama.</summary>
    public (OllamaModelClient? Client, string? Problem) Local() =>
        _options.Backend == "openai"
            ? (null, $"{_node.Name}'s LLM is an OpenAI-compatible server (Llm:Backend=openai), which cannot pull or delete models; only Ollama can")
            : (new OllamaModelClient(_ollama.Value), null);

    /// <summary>
    /// The node <paramref name="nodeId"/> (empty: this one): its name and a client for its models, or the HTTP status and sentence
    /// that say why not (404 unknown, 503 not linked now, 409 not an Ollama).
    /// </summary>
    public ModelTarget Resolve(string? nodeId)
    {
        if (string.IsNullOrEmpty(nodeId) || nodeId == _node.NodeId)
        {
            var (client, problem) = Local();
            return new ModelTarget(_node.NodeId, _node.Name, true, client, client is null ? StatusCodes.Status409Conflict : 0, problem);
        }

        if (_peers.Find(nodeId) is not { Revoked: false } peer)
        {
            return new ModelTarget(nodeId, "", false, null, StatusCodes.Status404NotFound, $"no node with id '{nodeId}' is known here");
        }

        if (peer is not { LinkState: LinkState.Up, Addresses.Count: > 0, MeshPort: > 0 })
        {
            return new ModelTarget(nodeId, peer.Name, false, null, StatusCodes.Status503ServiceUnavailable, $"{peer.Name} is not linked to this node now");
        }

        return new ModelTarget(nodeId, peer.Name, false, new OllamaModelClient(_clients.HttpFor(nodeId, peer.Addresses[0], peer.MeshPort)), 0, null);
    }

    /// <summary>Reads this node's models again (after a pull or a delete), so the capability its peers hold follows.</summary>
    public Task RefreshLocalAsync(CancellationToken cancellationToken) => _local.ProbeAsync(cancellationToken);

    public void Dispose()
    {
        if (_ollama.IsValueCreated)
        {
            _ollama.Value.Dispose();
        }
    }
}

/// <summary>A node a model operation goes to, or why it cannot (<see cref="Status"/> and <see cref="Problem"/>).</summary>
internal sealed record ModelTarget(string NodeId, string Name, bool IsLocal, OllamaModelClient? Client, int Status, string? Problem);
