using System.Collections.Concurrent;

namespace MeshMind.Discovery;

/// <summary>
/// The capability part of discovery announcements (DESIGN §3: <c>has_llm</c>, <c>models_digest</c>): what this node says
/// about itself, set by the feature that knows (<see cref="Set"/> makes the next announcement go out at once), and what
/// each peer last said about itself. A hint, like the rest of an announcement: routing trusts only the links.
/// </summary>
internal sealed class DiscoveryAdvert
{
    private readonly ConcurrentDictionary<string, bool> _peers = new(StringComparer.Ordinal);
    private volatile Advert _own = new(false, "");

    private sealed record Advert(bool HasLlm, string ModelsDigest);

    /// <summary>Raised when this node's advert changed.</summary>
    internal event Action? Changed;

    public bool HasLlm => _own.HasLlm;

    public string ModelsDigest => _own.ModelsDigest;

    /// <summary>
    /// Sets what this node's announcements say about its LLM, the model names summed up as a short digest (so a listener
    /// can tell the catalog changed without the datagram growing with it); announces at once when it changed.
    /// </summary>
    public void Set(bool hasLlm, IEnumerable<string> modelNames)
    {
        var names = modelNames.ToList();
        var digest = names.Count == 0 ? "" : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(string.Join('\n', names))))[..16];
        var advert = new Advert(hasLlm, digest);
        if (advert != _own)
        {
            _own = advert;
            Changed?.Invoke();
        }
    }

    /// <summary>Whether <paramref name="nodeId"/>'s last announcement said it has an LLM (false when never heard).</summary>
    public bool PeerHasLlm(string nodeId) => _peers.GetValueOrDefault(nodeId);

    internal void Heard(string nodeId, bool hasLlm, int limit)
    {
        if (_peers.Count < limit || _peers.ContainsKey(nodeId))
        {
            _peers[nodeId] = hasLlm;
        }
    }
}
