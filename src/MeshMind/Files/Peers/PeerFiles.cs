using System.Collections.Concurrent;
using MeshMind.Files.Store;
using MeshMind.Mesh;
using MeshMind.Mesh.Links;
using MeshMind.Mesh.Peers;
using MeshMind.Mesh.Transport;

namespace MeshMind.Files.Peers;

/// <summary>
/// What linked peers share (DESIGN §7): each peer's list, learned from <c>file_announce</c>/<c>file_removed</c> on the
/// link and from <c>GET /mesh/files</c>, cached for <see cref="CacheFor"/>. A listing never waits more than
/// <see cref="FetchTimeout"/> on a peer: stale lists are served while they refresh in the background.
/// </summary>
/// <remarks>
/// A peer's list outlives its link (issue 16): while the peer is away, <see cref="LastKnown"/> gives what it last shared,
/// so the listing keeps its files as unavailable instead of dropping them. At most <see cref="MaxOfflinePeers"/> away
/// peers are remembered (the longest gone are forgotten first), and a returning peer's list is fetched again.
/// </remarks>
internal sealed partial class PeerFiles(
    PeerDirectory peers,
    PeerHttpClients clients,
    MeshLinks links,
    FileStore store,
    TimeProvider time,
    ILogger<PeerFiles> logger) : IHostedService, IMeshParticipant
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan FetchTimeout = TimeSpan.FromMilliseconds(1500);

    /// <summary>
    /// How long a fetch of a peer's list may run. Longer than <see cref="FetchTimeout"/>, which is only how long a listing
    /// waits for it: a loaded peer that answers in 3 s still has its list for the next listing, instead of every fetch being
    /// cut off and repeated.
    /// </summary>
    public static readonly TimeSpan FetchLimit = TimeSpan.FromSeconds(15);
    private const int FilesPerAnnouncement = 1_000;
    private const int MaxFilesPerPeer = 100_000;

    /// <summary>How many peers that are away keep their last-known list here.</summary>
    public const int MaxOfflinePeers = 32;

    /// <summary>New uploads are announced together after this pause, so a burst of uploads is a few messages, not one per file.</summary>
    public static readonly TimeSpan AnnounceDelay = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);
    private readonly Lock _pendingLock = new();
    private readonly Dictionary<string, AnnouncedFile> _pending = new(StringComparer.Ordinal);
    private bool _flushScheduled;
    private long _version;

    /// <summary>
    /// One peer's list. <see cref="Files"/> is never changed once published, only replaced (under <see cref="Lock"/>), so
    /// readers may keep and enumerate it without a copy.
    /// </summary>
    private sealed class Entry
    {
        public Lock Lock { get; } = new();

        public Dictionary<string, AnnouncedFile> Files { get; private set; } = new(StringComparer.Ordinal);

        public long FetchedAt { get; set; } = -1;

        /// <summary>When the link to the peer went down (a <see cref="TimeProvider.GetTimestamp"/>); null while it is up.</summary>
        public long? DownAt { get; set; }

        public Task? Refreshing { get; set; }

        /// <summary>
        /// While a fetch is under way, what the link said meanwhile (by key: the file, or null when it was removed); replayed
        /// onto the fetched list, which the peer may have built before those changes. Null when no fetch runs or too much came.
        /// </summary>
        public List<(string Key, AnnouncedFile? File)>? SinceFetch { get; set; }

        /// <summary>More changes came during the fetch than are kept: its answer is dropped, the announced list stays.</summary>
        public bool SinceFetchOverflowed { get; set; }

        /// <summary>Notes a change that came over the link (caller holds <see cref="Lock"/>).</summary>
        public void Journal(string key, AnnouncedFile? file)
        {
            if (SinceFetch is null)
            {
                return;
            }

            if (SinceFetch.Count >= MaxFilesPerPeer)
            {
                SinceFetch = null;
                SinceFetchOverflowed = true;
                return;
            }

            SinceFetch.Add((key, file));
        }

        /// <summary>Publishes <paramref name="files"/> (caller holds <see cref="Lock"/>); false when it holds the same files as before.</summary>
        public bool Replace(Dictionary<string, AnnouncedFile> files)
        {
            var same = files.Count == Files.Count && files.All(f => Files.TryGetValue(f.Key, out var known) && known == f.Value);
            Files = files;
            return !same;
        }
    }

    /// <summary>Goes up whenever a peer's list changes (fetched, announced, removed), so a listing built from an older version is known to be out of date.</summary>
    public long Version => Interlocked.Read(ref _version);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        store.Stored += OnStored;
        store.Removed += OnRemoved;
        store.ReplicaStored += OnReplicaStored;
        store.ReplicaRemoved += OnReplicaRemoved;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        store.Stored -= OnStored;
        store.Removed -= OnRemoved;
        store.ReplicaStored -= OnReplicaStored;
        store.ReplicaRemoved -= OnReplicaRemoved;
        return Task.CompletedTask;
    }

    /// <summary>Linked, admitted peers that can be asked for files.</summary>
    public IReadOnlyList<PeerInfo> LivePeers() => [.. peers.Snapshot().Where(IsLive)];

    /// <summary>
    /// Linked, admitted peers, whether or not their mesh port is known yet: enough to send them a message over the link.
    /// Right after a peer dials this node, it is linked before its hello (with its mesh port) has been read.
    /// </summary>
    public IReadOnlyList<PeerInfo> LinkedPeers() => [.. peers.Snapshot().Where(p => p is { LinkState: LinkState.Up, Revoked: false })];

    /// <summary>Whether <paramref name="peer"/> is linked, admitted and reachable on its mesh port.</summary>
    public static bool IsLive(PeerInfo peer) => peer is { LinkState: LinkState.Up, Revoked: false, MeshPort: > 0, Addresses.Count: > 0 };

    /// <summary>Every live peer's files, fetched in parallel; a slow or dead peer contributes what was last known of it.</summary>
    public Task<IReadOnlyList<(PeerInfo Peer, IReadOnlyCollection<AnnouncedFile> Files)>> ListAsync(CancellationToken cancellationToken) =>
        ListAsync(peers.Snapshot(), cancellationToken);

    /// <summary>The files of the live peers among <paramref name="snapshot"/> (a <see cref="PeerDirectory.Snapshot"/>).</summary>
    public async Task<IReadOnlyList<(PeerInfo Peer, IReadOnlyCollection<AnnouncedFile> Files)>> ListAsync(IReadOnlyList<PeerInfo> snapshot, CancellationToken cancellationToken)
    {
        var live = snapshot.Where(IsLive).ToList();
        var lists = await Task.WhenAll(live.Select(p => FilesOfAsync(p, cancellationToken)));
        return [.. live.Zip(lists)];
    }

    /// <summary>
    /// What the known, unrevoked peers among <paramref name="snapshot"/> that are not live last shared: their lists as they
    /// were when they went away. Nothing is fetched.
    /// </summary>
    public IReadOnlyList<(PeerInfo Peer, IReadOnlyCollection<AnnouncedFile> Files)> LastKnown(IReadOnlyList<PeerInfo> snapshot)
    {
        var known = new List<(PeerInfo, IReadOnlyCollection<AnnouncedFile>)>();
        foreach (var peer in snapshot)
        {
            if (IsLive(peer) || peer.Revoked || !_cache.TryGetValue(peer.NodeId, out var entry))
            {
                continue;
            }

            lock (entry.Lock)
            {
                if (entry.Files.Count > 0)
                {
                    known.Add((peer, entry.Files.Values));
                }
            }
        }

        return known;
    }

    /// <summary>The peer's own file of that name (not a replica it holds).</summary>
    public async Task<AnnouncedFile?> FindAsync(PeerInfo peer, string name, CancellationToken cancellationToken) =>
        (await FilesOfAsync(peer, cancellationToken)).FirstOrDefault(f => f.Origin is null && f.Name == name);

    /// <summary>Live peers holding a replica of <paramref name="originNodeId"/>'s file <paramref name="name"/>, with what they hold.</summary>
    public async Task<IReadOnlyList<(PeerInfo Peer, AnnouncedFile File)>> ReplicaHoldersAsync(string originNodeId, string name, CancellationToken cancellationToken)
    {
        var holders = new List<(PeerInfo, AnnouncedFile)>();
        foreach (var (peer, files) in await ListAsync(cancellationToken))
        {
            if (files.FirstOrDefault(f => f.Origin == originNodeId && f.Name == name) is { } replica)
            {
                holders.Add((peer, replica));
            }
        }

        return holders;
    }

    public HttpClient Client(PeerInfo peer) => clients.HttpFor(peer.NodeId, peer.Addresses[0], peer.MeshPort);

    /// <summary>The client for a file's bytes from <paramref name="peer"/> (<see cref="PeerHttpClients.BulkHttpFor"/>).</summary>
    public HttpClient BulkClient(PeerInfo peer) => clients.BulkHttpFor(peer.NodeId, peer.Addresses[0], peer.MeshPort);

    private async Task<IReadOnlyCollection<AnnouncedFile>> FilesOfAsync(PeerInfo peer, CancellationToken cancellationToken)
    {
        var entry = _cache.GetOrAdd(peer.NodeId, _ => new Entry());
        Task refresh;
        lock (entry.Lock)
        {
            var fresh = entry.FetchedAt >= 0 && time.GetElapsedTime(entry.FetchedAt) < CacheFor;
            if (fresh)
            {
                return entry.Files.Values;
            }

            if (entry.Refreshing is null)
            {
                // Changes that come over the link from now on are kept, to be replayed onto the fetched list.
                entry.SinceFetch = [];
                entry.SinceFetchOverflowed = false;
                entry.Refreshing = RefreshAsync(peer, entry);
            }

            refresh = entry.Refreshing;
            if (entry.FetchedAt >= 0)
            {
                // Stale but known: answer now, the refresh finishes in the background.
                return entry.Files.Values;
            }
        }

        try
        {
            await refresh.WaitAsync(FetchTimeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Not waited for any longer; what the link has announced so far is listed, the fetch goes on.
        }

        lock (entry.Lock)
        {
            return entry.Files.Values;
        }
    }

    private async Task RefreshAsync(PeerInfo peer, Entry entry)
    {
        await Task.Yield();
        try
        {
            using var timeout = new CancellationTokenSource(FetchLimit, time);
            var list = await Client(peer).GetFromJsonAsync("/mesh/files", MeshFileJsonContext.Default.MeshFileList, timeout.Token);
            var files = new Dictionary<string, AnnouncedFile>(StringComparer.Ordinal);
            foreach (var file in (list?.Files ?? []).Take(MaxFilesPerPeer).Where(Valid))
            {
                files[file.Key] = file;
            }

            lock (entry.Lock)
            {
                if (entry.SinceFetchOverflowed)
                {
                    LogListFailed(peer.Name, "too many changes were announced while its list was fetched");
                    return;
                }

                // The peer may have built its answer before changes it announced while it was on the way.
                foreach (var (key, file) in entry.SinceFetch ?? [])
                {
                    Apply(files, key, file);
                }

                Changed(entry.Replace(files));
                entry.FetchedAt = time.GetTimestamp();
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException)
        {
            LogListFailed(peer.Name, ex.Message);
        }
        finally
        {
            lock (entry.Lock)
            {
                entry.Refreshing = null;
                entry.SinceFetch = null;
                entry.SinceFetchOverflowed = false;
            }
        }
    }

    /// <summary>What a peer says about a file is used only when it is well formed: a hash, a name this node accepts, and a node id for a replica's origin.</summary>
    public static bool Valid(AnnouncedFile file) =>
        IsSha256(file.Id) && file.Name is not null && FileNames.Check(file.Name).Name == file.Name && file.Size >= 0
        && file.ContentType is { Length: <= 200 }
        && (file.Origin is null || (IsSha256(file.Origin) && file.OriginName is { Length: > 0 and <= 200 }));

    /// <summary>64 lowercase hex digits: a blob's SHA-256 or a node id.</summary>
    public static bool IsSha256(string? value) => value is { Length: 64 } && value.All(char.IsAsciiHexDigitLower);

    public void LinkUp(string nodeId)
    {
        if (_cache.TryGetValue(nodeId, out var entry))
        {
            lock (entry.Lock)
            {
                entry.DownAt = null;
            }
        }

        _ = AnnounceAllAsync(nodeId);
    }

    /// <summary>
    /// Keeps the peer's list as its last-known one, due to be fetched again when it is back (what it shares may change while
    /// it is away, and removals made then are never announced to this node); forgets the longest-gone peers beyond
    /// <see cref="MaxOfflinePeers"/>.
    /// </summary>
    public void LinkDown(string nodeId)
    {
        if (_cache.TryGetValue(nodeId, out var entry))
        {
            lock (entry.Lock)
            {
                entry.DownAt = time.GetTimestamp();
                entry.FetchedAt = -1;
            }
        }

        var away = _cache.Select(e => (e.Key, DownAt: DownAt(e.Value))).Where(e => e.DownAt is not null).ToList();
        foreach (var (key, _) in away.OrderBy(e => e.DownAt).Take(away.Count - MaxOfflinePeers))
        {
            Changed(_cache.TryRemove(key, out _));
        }
    }

    private static long? DownAt(Entry entry)
    {
        lock (entry.Lock)
        {
            return entry.DownAt;
        }
    }

    private async Task AnnounceAllAsync(string nodeId)
    {
        try
        {
            var own = await store.ListAsync(CancellationToken.None);
            var replicas = await store.ListReplicasAsync(CancellationToken.None);
            foreach (var chunk in own.Select(AnnouncedFile.From).Concat(replicas.Select(AnnouncedFile.From)).Chunk(FilesPerAnnouncement))
            {
                links.Send(nodeId, new FileAnnounceMessage(chunk));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogListFailed(nodeId[..12], ex.Message);
        }
    }

    private void OnStored(StoredFile file) => Announce(AnnouncedFile.From(file));

    private void OnReplicaStored(ReplicaFile replica) => Announce(AnnouncedFile.From(replica));

    private void Announce(AnnouncedFile file)
    {
        lock (_pendingLock)
        {
            _pending[file.Key] = file;
            if (_flushScheduled)
            {
                return;
            }

            _flushScheduled = true;
        }

        _ = FlushAnnouncementsAsync();
    }

    private async Task FlushAnnouncementsAsync()
    {
        await Task.Delay(AnnounceDelay, time);
        AnnouncedFile[] files;
        lock (_pendingLock)
        {
            files = [.. _pending.Values];
            _pending.Clear();
            _flushScheduled = false;
        }

        foreach (var chunk in files.Chunk(FilesPerAnnouncement))
        {
            links.Broadcast(new FileAnnounceMessage(chunk));
        }
    }

    private void OnRemoved(string name)
    {
        lock (_pendingLock)
        {
            _pending.Remove(name);
        }

        links.Broadcast(new FileRemovedMessage(name));
    }

    private void OnReplicaRemoved(string originNodeId, string name)
    {
        lock (_pendingLock)
        {
            _pending.Remove(originNodeId + "/" + name);
        }

        links.Broadcast(new FileRemovedMessage(name, originNodeId));
    }

    public void Received(string nodeId, LinkMessage message)
    {
        switch (message)
        {
            case FileAnnounceMessage announce:
                var entry = _cache.GetOrAdd(nodeId, _ => new Entry());
                lock (entry.Lock)
                {
                    var files = new Dictionary<string, AnnouncedFile>(entry.Files, StringComparer.Ordinal);
                    foreach (var file in announce.Files.Take(FilesPerAnnouncement).Where(Valid))
                    {
                        Apply(files, file.Key, file);
                        entry.Journal(file.Key, file);
                    }

                    Changed(entry.Replace(files));
                }

                break;
            case FileRemovedMessage removed when _cache.TryGetValue(nodeId, out var known):
                lock (known.Lock)
                {
                    var files = new Dictionary<string, AnnouncedFile>(known.Files, StringComparer.Ordinal);
                    var key = removed.Origin is null ? removed.Name : removed.Origin + "/" + removed.Name;
                    Apply(files, key, null);
                    known.Journal(key, null);
                    Changed(known.Replace(files));
                }

                break;
        }
    }

    /// <summary>Adds, replaces or (for null) removes one file, keeping to <see cref="MaxFilesPerPeer"/>.</summary>
    private static void Apply(Dictionary<string, AnnouncedFile> files, string key, AnnouncedFile? file)
    {
        if (file is null)
        {
            files.Remove(key);
        }
        else if (files.Count < MaxFilesPerPeer || files.ContainsKey(key))
        {
            files[key] = file;
        }
    }

    private void Changed(bool changed)
    {
        if (changed)
        {
            Interlocked.Increment(ref _version);
        }
    }

    [LoggerMessage(EventId = 810, Level = LogLevel.Debug, Message = "Could not list the files of '{Peer}': {Reason}")]
    private partial void LogListFailed(string peer, string reason);
}
