using System.IO.Compression;
using System.Text.Json;
using MeshMind.Files.Peers;
using MeshMind.Files.Store;
using MeshMind.Mesh.Peers;
using MeshMind.Node;
using Microsoft.Net.Http.Headers;

namespace MeshMind.Files.Api;

/// <summary>
/// <c>GET /api/files</c>, kept built: this node's files, the replicas it holds, every live peer's files and replicas, and
/// the last-known files of peers that are away (unavailable unless a reachable node holds them too), one entry per
/// (sha256, name) with every reachable node that has it, serialised once to UTF-8 JSON and served as those bytes
/// until something it was built from changes.
/// </summary>
/// <remarks>
/// Building and serialising 10,000 entries costs tens of milliseconds of CPU; the listing is asked for far more often than
/// it changes (issue 5: p99 ≤ 10 ms with 10 peers × 1,000 files). It is out of date when <see cref="FileStore.Version"/>
/// or <see cref="PeerFiles.Version"/> has moved, or when what the directory says about peers (live or not, name, address)
/// differs. Each call still goes through <see cref="PeerFiles.ListAsync(IReadOnlyList{PeerInfo}, CancellationToken)"/>, so stale peer lists are refreshed as before.
/// </remarks>
internal sealed class FileListing(FileStore store, PeerFiles peerFiles, PeerDirectory directory, NodeInfo node) : IDisposable
{
    private readonly SemaphoreSlim _building = new(1, 1);
    private readonly string _etagPrefix = Guid.NewGuid().ToString("N")[..12];
    private Built? _current;
    private long _generation;

    /// <summary>What the listing was built from: the two versions and, per known peer, what the listing shows of it.</summary>
    private sealed record Inputs(long Store, long Peers, (string NodeId, string Name, string Address, bool Live)[] Directory)
    {
        public bool Same(Inputs other) => Store == other.Store && Peers == other.Peers && Directory.AsSpan().SequenceEqual(other.Directory);
    }

    private sealed record Built(Inputs Inputs, Listing Listing);

    /// <summary>
    /// The listing as UTF-8 JSON (<see cref="FileList"/>), and an entity tag that changes whenever the bytes do; the same
    /// bytes gzip-compressed (made at the first request that accepts them, then kept), with their own entity tag.
    /// </summary>
    /// <remarks>
    /// 10,000 entries are ~5.9 MB of JSON and ~0.5 MB gzipped: moving the compressed bytes through Kestrel and TCP is what
    /// keeps a cached listing within milliseconds. Fastest level: compressing 6 MB once costs ~20 ms, paid by one request
    /// per change.
    /// </remarks>
    public sealed class Listing(byte[] utf8Json, EntityTagHeaderValue etag, int count)
    {
        private readonly Lazy<byte[]> _gzip = new(() => Compress(utf8Json), LazyThreadSafetyMode.ExecutionAndPublication);

        public byte[] Utf8Json => utf8Json;

        public EntityTagHeaderValue ETag => etag;

        public int Count => count;

        public byte[] Gzip => _gzip.Value;

        public EntityTagHeaderValue GzipETag { get; } = new(etag.Tag.Value![..^1] + "-gzip\"");

        private static byte[] Compress(byte[] bytes)
        {
            using var compressed = new MemoryStream(bytes.Length / 8);
            using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(bytes);
            }

            return compressed.ToArray();
        }
    }

    public async Task<Listing> GetAsync(CancellationToken cancellationToken)
    {
        // The versions are read before the data: a change after this point leaves a newer version, and the next call rebuilds.
        var storeVersion = store.Version;
        var peersVersion = peerFiles.Version;
        var snapshot = directory.Snapshot();
        var remote = await peerFiles.ListAsync(snapshot, cancellationToken);
        var inputs = new Inputs(storeVersion, peersVersion, Describe(snapshot));
        if (Volatile.Read(ref _current) is { } current && current.Inputs.Same(inputs))
        {
            return current.Listing;
        }

        await _building.WaitAsync(cancellationToken);
        try
        {
            if (Volatile.Read(ref _current) is { } built && built.Inputs.Same(inputs))
            {
                return built.Listing;
            }

            var list = await BuildAsync(snapshot, remote, cancellationToken);
            var listing = new Listing(JsonSerializer.SerializeToUtf8Bytes(list, FileJsonContext.Default.FileList),
                new EntityTagHeaderValue($"\"{_etagPrefix}-{++_generation}\""), list.Files.Count);
            Volatile.Write(ref _current, new Built(inputs, listing));
            return listing;
        }
        finally
        {
            _building.Release();
        }
    }

    public void Dispose() => _building.Dispose();

    private static (string, string, string, bool)[] Describe(IReadOnlyList<PeerInfo> peers)
    {
        var described = new (string, string, string, bool)[peers.Count];
        for (var i = 0; i < peers.Count; i++)
        {
            var p = peers[i];
            described[i] = (p.NodeId, p.Name, p.Addresses is [var address, ..] ? address.ToString() : "", PeerFiles.IsLive(p));
        }

        return described;
    }

    private async Task<FileList> BuildAsync(IReadOnlyList<PeerInfo> snapshot, IReadOnlyList<(PeerInfo Peer, IReadOnlyCollection<AnnouncedFile> Files)> remote, CancellationToken cancellationToken)
    {
        var local = await store.ListAsync(cancellationToken);
        var replicas = await store.ListReplicasAsync(cancellationToken);
        var self = new FileSource(node.NodeId, node.Name);
        var entries = new Dictionary<(string Sha256, string Name), FileEntry>();
        var known = snapshot.ToDictionary(p => p.NodeId, StringComparer.Ordinal);
        // A source that is away (null) lists the file without offering it: neither a node to get it from nor a replica.
        void Add(FileEntry entry, FileSource? source, bool replica)
        {
            var key = (entry.Sha256, entry.Name);
            replica &= source is not null;
            entries[key] = entries.TryGetValue(key, out var seen)
                ? seen with
                {
                    Pinned = seen.Pinned || entry.Pinned,
                    Available = seen.Available || entry.Available,
                    AvailableFrom = source is null || seen.AvailableFrom.Any(s => s.NodeId == source.NodeId) ? seen.AvailableFrom : [.. seen.AvailableFrom, source],
                    Replicas = replica && !seen.Replicas.Contains(source!.NodeId) ? [.. seen.Replicas, source.NodeId] : seen.Replicas,
                }
                : entry with { AvailableFrom = source is null ? [] : [source], Replicas = replica ? [source!.NodeId] : [] };
        }

        // An origin that is offline is named as the directory last knew it, else as the replica holder reported it.
        FileOrigin OriginOf(string nodeId, string name) =>
            nodeId == node.NodeId ? new FileOrigin(node.NodeId, node.Name, LanAddress.Current)
            : known.TryGetValue(nodeId, out var peer) ? new FileOrigin(nodeId, peer.Name, peer.Addresses is [var address, ..] ? address.ToString() : "")
            : new FileOrigin(nodeId, name, "");

        string ByNode(string nodeId, string name) =>
            nodeId == node.NodeId ? "/api/files/" + Uri.EscapeDataString(name) : $"/api/peers/{nodeId}/files/{Uri.EscapeDataString(name)}";

        foreach (var f in local)
        {
            Add(new FileEntry(f.Name, f.Size, f.Sha256, f.ContentType, f.Modified, OriginOf(node.NodeId, node.Name), Local: true, f.Pinned,
                Available: true, [], ByNode(node.NodeId, f.Name)), self, replica: false);
        }

        foreach (var r in replicas)
        {
            Add(new FileEntry(r.Name, r.Size, r.Sha256, r.ContentType, r.Modified, OriginOf(r.OriginNodeId, r.OriginName), Local: false, Pinned: true,
                Available: true, [], ByNode(r.OriginNodeId, r.Name)), self, replica: true);
        }

        void AddPeers(IReadOnlyList<(PeerInfo Peer, IReadOnlyCollection<AnnouncedFile> Files)> lists, bool available)
        {
            foreach (var (peer, files) in lists)
            {
                var source = available ? new FileSource(peer.NodeId, peer.Name) : null;
                foreach (var f in files)
                {
                    var origin = f.Origin ?? peer.NodeId;
                    if (origin == node.NodeId && !local.Any(l => l.Pinned && l.Sha256 == f.Id && l.Name == f.Name))
                    {
                        // A peer's copy of one of our files that is no longer pinned (its list here may be up to 15 s old):
                        // this node's own pin state is the truth.
                        continue;
                    }

                    Add(new FileEntry(f.Name, f.Size, f.Id, f.ContentType, f.Modified, OriginOf(origin, f.OriginName ?? peer.Name), Local: false,
                        f.Pinned, available, [], ByNode(origin, f.Name)), source, replica: f.Origin is not null);
                }
            }
        }

        AddPeers(remote, available: true);

        // Peers that are away: their last-known files stay listed, unavailable unless a reachable node holds them too.
        AddPeers(peerFiles.LastKnown(snapshot), available: false);

        return new FileList([.. entries.Values.OrderBy(e => e.Name, StringComparer.Ordinal).ThenBy(e => e.Local ? 0 : 1)]);
    }
}
