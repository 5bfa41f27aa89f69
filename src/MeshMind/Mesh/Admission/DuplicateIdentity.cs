using System.Net;

namespace MeshMind.Mesh.Admission;

/// <summary>
/// Notices another live node using this node's identity (same node id, different instance id): a copied data
/// directory. Reported in the log (at most once a minute) and in <c>/api/status</c>; such twins are never merged.
/// </summary>
internal sealed partial class DuplicateIdentity(TimeProvider time, ILogger<DuplicateIdentity> logger)
{
    private static readonly TimeSpan s_reportEvery = TimeSpan.FromMinutes(1);
    private readonly Lock _lock = new();
    private DateTimeOffset? _lastSeen;
    private DateTimeOffset _lastLogged = DateTimeOffset.MinValue;
    private readonly HashSet<string> _instances = new(StringComparer.Ordinal);

    public bool Detected
    {
        get
        {
            lock (_lock)
            {
                // Cleared once the twin has been silent for a while (it stopped, or got its own identity).
                return _lastSeen is { } seen && time.GetUtcNow() - seen < TimeSpan.FromMinutes(5);
            }
        }
    }

    /// <summary>Records a sighting of a twin. Returns true the first time this twin instance is seen.</summary>
    public bool Report(string nodeId, string otherInstanceId, IPAddress from)
    {
        var now = time.GetUtcNow();
        bool log, first;
        lock (_lock)
        {
            _lastSeen = now;
            first = _instances.Count < 64 && _instances.Add(otherInstanceId);
            log = now - _lastLogged >= s_reportEvery;
            if (log)
            {
                _lastLogged = now;
            }
        }

        if (log)
        {
            LogDuplicate(nodeId[..12], otherInstanceId, from);
        }

        return first;
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning,
        Message = "Another node at {Address} uses this node's identity {NodeId} (instance {Instance}); was the data directory copied? Delete node.pfx on one of them to give it a new identity.")]
    private partial void LogDuplicate(string nodeId, string instance, IPAddress address);
}
