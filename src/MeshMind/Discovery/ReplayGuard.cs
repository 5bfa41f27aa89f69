namespace MeshMind.Discovery;

/// <summary>
/// Remembers the newest timestamp accepted from each node instance; anything not newer is a replay (or a copy that
/// arrived by a second path). Bounded: the least recently updated instances are forgotten first.
/// </summary>
internal sealed class ReplayGuard(int capacity = 4096)
{
    private readonly Dictionary<(string NodeId, string InstanceId), long> _newest = [];
    private readonly Lock _lock = new();

    public bool TryAccept(Announcement announcement)
    {
        var key = (announcement.NodeId, announcement.InstanceId);
        lock (_lock)
        {
            if (_newest.TryGetValue(key, out var newest) && announcement.Timestamp <= newest)
            {
                return false;
            }

            if (_newest.Count >= capacity && !_newest.ContainsKey(key))
            {
                _newest.Remove(_newest.MinBy(e => e.Value).Key);
            }

            _newest[key] = announcement.Timestamp;
            return true;
        }
    }
}
