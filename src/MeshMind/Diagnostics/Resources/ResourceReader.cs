using MeshMind.Mesh.Peers;
using MeshMind.Mesh.Transport;

namespace MeshMind.Diagnostics.Resources;

/// <summary>
/// This node's figures and every linked peer's (<c>GET /mesh/resources</c>), asked at once; a peer that has not answered
/// within <see cref="Budget"/> is listed as missing, never an error.
/// </summary>
internal sealed partial class ResourceReader(ResourceMeter meter, PeerDirectory peers, PeerHttpClients clients, TimeProvider time,
    ILogger<ResourceReader> logger)
{
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(1.5);

    /// <summary>The largest answer read from a peer: its figures and a few dozen channel counters take under 2 KB.</summary>
    public const int MaxPeerAnswerBytes = 64 * 1024;

    public async Task<MeshResources> ReadAsync(CancellationToken cancellationToken)
    {
        var live = peers.Snapshot().Where(p => p is { LinkState: LinkState.Up, Revoked: false, MeshPort: > 0, Addresses.Count: > 0 }).ToList();
        using var deadline = new CancellationTokenSource(Budget, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var answers = await Task.WhenAll(live.Select(peer => AskAsync(peer, linked.Token)));
        cancellationToken.ThrowIfCancellationRequested();
        var nodes = new List<NodeResources> { meter.Read() };
        nodes.AddRange(answers.OfType<NodeResources>().OrderBy(n => n.Name, StringComparer.Ordinal));
        var missing = live.Zip(answers).Where(x => x.Second is null).Select(x => x.First.NodeId).Order(StringComparer.Ordinal).ToList();
        return new MeshResources(nodes, missing);
    }

    private async Task<NodeResources?> AskAsync(PeerInfo peer, CancellationToken cancellationToken)
    {
        try
        {
            var client = clients.HttpFor(peer.NodeId, peer.Addresses[0], peer.MeshPort);
            using var response = await client.GetAsync("/mesh/resources", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            await response.Content.LoadIntoBufferAsync(MaxPeerAnswerBytes, cancellationToken);
            var answer = await response.Content.ReadFromJsonAsync(DiagnosticsJsonContext.Default.NodeResources, cancellationToken);
            // A peer speaks only for itself.
            return answer is not null && answer.NodeId == peer.NodeId ? answer : throw new InvalidDataException("it answered for another node");
        }
        catch (OperationCanceledException)
        {
            LogPeerLate(peer.Name);
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException or InvalidDataException or NotSupportedException)
        {
            LogPeerFailed(peer.Name, ex.Message);
            return null;
        }
    }

    [LoggerMessage(EventId = 1310, Level = LogLevel.Debug, Message = "Resources: {Peer} did not answer within the budget")]
    private partial void LogPeerLate(string peer);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Debug, Message = "Resources: {Peer} could not be asked: {Reason}")]
    private partial void LogPeerFailed(string peer, string reason);
}
