using MeshMind.Infrastructure;
using MeshMind.Knowledge.Index;
using MeshMind.Llm;

namespace MeshMind.Knowledge.Embeddings;

/// <summary>
/// Embeds the index's chunks in the background, a document at a time, whenever the mesh has an embedding model
/// (<see cref="KnowledgeEmbeddings.Model"/>): after each indexing pass, and every <see cref="Recheck"/> in case a model appeared.
/// A document's vectors are stored together, once all its chunks are embedded, so a restart resumes at the first document
/// without them; a different model re-embeds every document, and vectors of a re-indexed document are made anew.
/// </summary>
internal sealed partial class KnowledgeEmbedder(
    KnowledgeIndex index,
    KnowledgeIndexer indexer,
    KnowledgeEmbeddings embeddings,
    TimeProvider time,
    ILogger<KnowledgeEmbedder> logger) : BackgroundService
{
    /// <summary>Chunks sent in one <c>/api/embed</c> request.</summary>
    public const int Batch = 16;

    /// <summary>How often an idle embedder looks whether the mesh's embedding model changed (or one appeared).</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(2);

    /// <summary>How long it waits after no host could embed.</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(15);

    private readonly WakeSignal _wake = new();
    private long _chunksEmbedded;
    private volatile string? _upToDateWith;

    /// <summary>Chunks embedded since start.</summary>
    public long ChunksEmbedded => Interlocked.Read(ref _chunksEmbedded);

    /// <summary>The model every indexed chunk had a vector of when the embedder last looked (null: not all, or no model).</summary>
    public string? UpToDateWith => _upToDateWith;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        indexer.Indexed += _wake.Set;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        indexer.Indexed -= _wake.Set;
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
            var wait = Recheck;
            try
            {
                if (embeddings.Model() is { } model && await EmbedNextAsync(model, stoppingToken))
                {
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is LlmUnavailableException or InvalidDataException or HttpRequestException or OperationCanceledException
                or Microsoft.Data.Sqlite.SqliteException)
            {
                _upToDateWith = null;
                LogEmbedFailed(ex.Message);
                wait = RetryAfterFailure;
            }

            try
            {
                await _wake.WaitAsync(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Embeds the next document that lacks vectors of <paramref name="model"/>; false when there is none.</summary>
    private async Task<bool> EmbedNextAsync(string model, CancellationToken cancellationToken)
    {
        if (await index.NextToEmbedAsync(model, cancellationToken) is not var (id, sha256))
        {
            if (_upToDateWith != model)
            {
                LogUpToDate(model);
            }

            _upToDateWith = model;
            return false;
        }

        _upToDateWith = null;
        var started = time.GetTimestamp();
        var chunks = await index.ChunksAsync(id, cancellationToken);
        var vectors = new List<(long, float[])>(chunks.Count);
        foreach (var batch in chunks.Chunk(Batch))
        {
            var embedded = await embeddings.EmbedAsync(model, [.. batch.Select(c => c.Text)], cancellationToken);
            vectors.AddRange(batch.Select((c, i) => (c.Rowid, embedded[i])));
        }

        if (await index.StoreVectorsAsync(id, sha256, model, vectors, cancellationToken))
        {
            Interlocked.Add(ref _chunksEmbedded, vectors.Count);
            var took = time.GetElapsedTime(started);
            LogEmbedded(vectors.Count, model, took);
        }

        return true;
    }

    [LoggerMessage(EventId = 1920, Level = LogLevel.Debug, Message = "Embedded {Chunks} chunks with '{Model}' in {Took}")]
    private partial void LogEmbedded(int chunks, string model, TimeSpan took);

    [LoggerMessage(EventId = 1921, Level = LogLevel.Information, Message = "Every indexed chunk has an embedding of '{Model}'")]
    private partial void LogUpToDate(string model);

    [LoggerMessage(EventId = 1922, Level = LogLevel.Warning, Message = "Embedding shared files failed ({Reason}); trying again later")]
    private partial void LogEmbedFailed(string reason);
}
