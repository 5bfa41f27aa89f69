using MeshMind.Files.Store;
using MeshMind.Infrastructure;
using MeshMind.Knowledge.Extraction;
using Microsoft.Extensions.Options;

namespace MeshMind.Knowledge.Index;

/// <summary>
/// Keeps the index in step with the file store, in the background: at start and whenever a file or replica is stored or
/// removed, it compares what is shared with what is indexed (name and SHA-256) and indexes only what is new or changed, and
/// drops what is gone.
/// </summary>
/// <remarks>
/// The store's events only wake the loop (<see cref="WakeSignal"/>); the work is one comparison, so a burst of uploads is one
/// pass, a missed event is caught at the next one, and an index left behind by a crash or an older MeshMind is completed at start.
/// </remarks>
internal sealed partial class KnowledgeIndexer(
    FileStore store,
    KnowledgeIndex index,
    IOptions<KnowledgeOptions> options,
    KnowledgeMetrics metrics,
    TimeProvider time,
    ILogger<KnowledgeIndexer> logger) : BackgroundService
{
    /// <summary>A pass also runs this long after the last one, whatever happened.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Files are indexed in batches, one transaction each (<see cref="KnowledgeIndex.Batch"/>): with a commit per file, FTS5
    /// wrote each small file's terms out as a segment of its own and merged those segments again and again. A batch is
    /// committed once it holds this many characters of chunk text, or once it has been open for <see cref="BatchTime"/>.
    /// </summary>
    public const long BatchCharacters = 8 * 1024 * 1024;

    /// <summary>
    /// The longest a batch stays open: its files become searchable at its commit, and other writers to the database wait for it
    /// (their busy timeout is 5 s).
    /// </summary>
    public static readonly TimeSpan BatchTime = TimeSpan.FromMilliseconds(500);

    private readonly WakeSignal _wake = new();
    private long _filesIndexed;
    private int _running;

    /// <summary>Whether a change is waiting for a pass (set by the store's events, cleared when a pass starts).</summary>
    private volatile bool _dirty = true;

    /// <summary>Files (and replicas) indexed since start: new ones and changed ones, not those already indexed with the same content.</summary>
    public long FilesIndexed => Interlocked.Read(ref _filesIndexed);

    /// <summary>Raised after each pass that completed (on the indexer's loop): the index may hold new chunks.</summary>
    public event Action? Indexed;

    /// <summary>True when every change the store has told of is in the index (no pass is waiting or running).</summary>
    public bool Idle => !_dirty && Volatile.Read(ref _running) == 0;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        store.Stored += OnStored;
        store.Removed += OnRemoved;
        store.ReplicaStored += OnReplicaStored;
        store.ReplicaRemoved += OnReplicaRemoved;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        store.Stored -= OnStored;
        store.Removed -= OnRemoved;
        store.ReplicaStored -= OnReplicaStored;
        store.ReplicaRemoved -= OnReplicaRemoved;
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                Interlocked.Exchange(ref _running, 1);
                _dirty = false;
                await PassAsync(stoppingToken);
                Indexed?.Invoke();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                LogPassFailed(ex);
            }
            finally
            {
                Interlocked.Exchange(ref _running, 0);
            }

            try
            {
                await _wake.WaitAsync(Tick, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One comparison of the store with the index, and the work it finds.</summary>
    internal async Task PassAsync(CancellationToken cancellationToken)
    {
        var wanted = new Dictionary<(string Origin, string Name), (string OriginName, string Sha256, long Size)>();
        foreach (var file in await store.ListAsync(cancellationToken))
        {
            wanted[("", file.Name)] = ("", file.Sha256, file.Size);
        }

        foreach (var replica in await store.ListReplicasAsync(cancellationToken))
        {
            wanted[(replica.OriginNodeId, replica.Name)] = (replica.OriginName, replica.Sha256, replica.Size);
        }

        var indexed = await index.ListAsync(cancellationToken);
        var indexedFiles = new List<(string Name, int Characters, long Bytes, TimeSpan Took)>();
        foreach (var document in indexed)
        {
            if (!wanted.ContainsKey((document.OriginNodeId, document.Name)))
            {
                await index.RemoveAsync(document.Id, cancellationToken);
                LogRemoved(document.Name);
            }
        }

        var current = indexed.ToDictionary(d => (d.OriginNodeId, d.Name), d => d.Sha256);
        var work = wanted.Where(w => !(current.TryGetValue(w.Key, out var sha256) && sha256 == w.Value.Sha256))
            .Select(w => new Work(w.Key.Origin, w.Value.OriginName, w.Key.Name, w.Value.Sha256, w.Value.Size)).ToList();
        KnowledgeIndex.Batch? batch = null;
        var batchStarted = 0L;
        Task<Prepared?>? next = null;
        try
        {
            // A file is read, extracted and chunked on the thread pool while the one before it is written: on a machine with
            // a core to spare, the database's work (most of it FTS5's) is then all of a file's time (issue 19).
            for (var i = 0; i < work.Count; i++)
            {
                var prepared = await (next ?? PrepareAsync(work[i], cancellationToken));
                next = i + 1 < work.Count ? PrepareAsync(work[i + 1], cancellationToken) : null;
                if (prepared is null)
                {
                    continue; // removed meanwhile: the next pass drops it
                }

                if (batch is null)
                {
                    batch = await index.BeginAsync(cancellationToken);
                    batchStarted = time.GetTimestamp();
                }

                var file = prepared.Work;
                var writeStarted = time.GetTimestamp();
                await batch.ReplaceAsync(file.Origin, file.OriginName, file.Name, file.Sha256, prepared.Characters, prepared.Chunks, cancellationToken);
                if (!prepared.Unread)
                {
                    indexedFiles.Add((file.Name, prepared.Characters, prepared.Bytes, prepared.Took + time.GetElapsedTime(writeStarted)));
                }

                if (batch.Characters >= BatchCharacters || time.GetElapsedTime(batchStarted) >= BatchTime)
                {
                    await CommitAsync(batch, indexedFiles, cancellationToken);
                    await batch.DisposeAsync();
                    batch = null;
                }
            }

            if (batch is not null)
            {
                await CommitAsync(batch, indexedFiles, cancellationToken);
            }
        }
        finally
        {
            if (next is not null)
            {
                // A failed write leaves the next file's preparation running: it is not left unobserved.
                await next.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }

            if (batch is not null)
            {
                await batch.DisposeAsync(); // rolled back unless committed: the next pass indexes those files again
            }
        }
    }

    /// <summary>A file to index: new, or changed since it was indexed.</summary>
    private sealed record Work(string Origin, string OriginName, string Name, string Sha256, long Size);

    /// <summary>
    /// A file read, extracted and chunked, ready to write. <c>Unread</c>: a PDF too large to read, recorded with no chunks (so
    /// it is not read again at each pass) and not counted as indexed.
    /// </summary>
    private sealed record Prepared(Work Work, int Characters, long Bytes, KnowledgeIndex.PreparedChunks Chunks, TimeSpan Took, bool Unread = false);

    /// <summary>Commits a batch, then counts and logs its files (what a failed batch held was not indexed).</summary>
    private async Task CommitAsync(KnowledgeIndex.Batch batch, List<(string Name, int Characters, long Bytes, TimeSpan Took)> files, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        await batch.CommitAsync(cancellationToken);
        var commit = time.GetElapsedTime(started);
        foreach (var (name, characters, bytes, took) in files)
        {
            Interlocked.Increment(ref _filesIndexed);
            metrics.Indexed(bytes, took);
            LogIndexed(name, characters, took.TotalMilliseconds);
        }

        LogCommitted(batch.Documents, batch.Characters, commit.TotalMilliseconds);
        files.Clear();
    }

    /// <summary>Reads, extracts and chunks one file, on the thread pool; null when it was removed meanwhile.</summary>
    private Task<Prepared?> PrepareAsync(Work file, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        var settings = options.Value;
        var started = time.GetTimestamp();
        byte[] content;
        try
        {
            // Text needs at most 4 bytes a character; a PDF is read whole (or not at all when it is larger than that).
            var readLimit = (long)settings.MaxFileCharacters * 4;
            if (file.Size > readLimit && file.Name.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase))
            {
                return new Prepared(file, 0, 0, KnowledgeIndex.Prepare([]), time.GetElapsedTime(started), Unread: true);
            }

            await using var stream = new FileStream(store.BlobPath(file.Sha256), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            content = new byte[(int)Math.Min(stream.Length, Math.Min(readLimit, Array.MaxLength))];
            await stream.ReadExactlyAsync(content, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        var text = TextExtractor.Extract(file.Name, content, settings.MaxFileCharacters);
        var chunks = KnowledgeIndex.Prepare(text is null ? [] : Chunker.Split(text, settings.ChunkCharacters, settings.ChunkOverlap));
        return new Prepared(file, text?.Length ?? 0, content.Length, chunks, time.GetElapsedTime(started));
    }, cancellationToken);

    private void Changed()
    {
        _dirty = true;
        _wake.Set();
    }

    private void OnStored(StoredFile file) => Changed();

    private void OnRemoved(string name) => Changed();

    private void OnReplicaStored(ReplicaFile file) => Changed();

    private void OnReplicaRemoved(string origin, string name) => Changed();

    [LoggerMessage(EventId = 1900, Level = LogLevel.Debug, Message = "Indexed '{Name}' ({Characters} characters of text) in {Ms:0.#} ms")]
    private partial void LogIndexed(string name, int characters, double ms);

    [LoggerMessage(EventId = 1903, Level = LogLevel.Debug, Message = "Committed {Documents} indexed files ({Characters} characters of chunks) in {Ms:0.#} ms")]
    private partial void LogCommitted(int documents, long characters, double ms);

    [LoggerMessage(EventId = 1901, Level = LogLevel.Debug, Message = "Dropped '{Name}' from the index (no longer shared)")]
    private partial void LogRemoved(string name);

    [LoggerMessage(EventId = 1902, Level = LogLevel.Warning, Message = "Indexing shared files failed; the next change or the next pass tries again")]
    private partial void LogPassFailed(Exception exception);
}
