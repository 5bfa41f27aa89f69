using MeshMind.Knowledge.Extraction;
using MeshMind.Knowledge.Index;
using MeshMind.Knowledge.Search;
using MeshMind.Node;
using MeshMind.Storage;
using MeshMind.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Knowledge;

/// <summary>Several files written to the index in one transaction (what the indexer does): all or nothing, re-indexing replaces.</summary>
public sealed class KnowledgeIndexBatchTests
{
    private static async Task<KnowledgeIndex> OpenAsync(TempDirectory dir)
    {
        var database = new Database(new DataDirectory(Options.Create(new NodeOptions { DataDir = dir.Path })), NullLogger<Database>.Instance);
        await database.MigrateAsync(Migrations.All, Ct);
        return new KnowledgeIndex(database, TimeProvider.System);
    }

    [Fact]
    public async Task Fts5KeepsUpTo8MiBOfInsertsInMemory()
    {
        using var dir = new TempDirectory();
        var database = new Database(new DataDirectory(Options.Create(new NodeOptions { DataDir = dir.Path })), NullLogger<Database>.Instance);
        await database.MigrateAsync(Migrations.All, Ct);
        await using var connection = await database.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT v FROM knowledge_chunks_config WHERE k = 'hashsize';";

        Assert.Equal(8L * 1024 * 1024, await command.ExecuteScalarAsync(Ct));
    }

    private static IEnumerable<Chunker.Chunk> Chunks(string text) => Chunker.Split(text, 40, 10);

    private static async Task<List<string>> FilesAsync(KnowledgeIndex index, string word) =>
        [.. (await index.SearchAsync(SearchQuery.Parse(word).Match!, 50, Ct)).Select(h => h.Name).Distinct().Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Batch_CommitsEveryFile_ReindexInTheSameBatchReplacesChunksAndCounts_DisposedUncommittedKeepsNothing()
    {
        using var dir = new TempDirectory();
        var index = await OpenAsync(dir);
        await index.ReplaceAsync("", "", "old.txt", "sha-old", 60, Chunks("the falcon release ships in spring with a brand new engine inside"), Ct);

        await using (var batch = await index.BeginAsync(Ct))
        {
            await batch.ReplaceAsync("", "", "a.txt", "sha-a", 30, Chunks("falcon notes from the first day"), Ct);
            await batch.ReplaceAsync("", "", "old.txt", "sha-new", 20, Chunks("osprey replaces it"), Ct);
            await batch.ReplaceAsync("peer", "b.txt", "peer/b.txt", "sha-b", 30, Chunks("a falcon seen by the peer node"), Ct);
            Assert.Equal(3, batch.Documents);
            await batch.CommitAsync(Ct);
        }

        Assert.Equal(["a.txt", "peer/b.txt"], await FilesAsync(index, "falcon"));
        Assert.Equal(["old.txt"], await FilesAsync(index, "osprey"));
        var documents = (await index.ListAsync(Ct)).ToDictionary(d => d.Name);
        Assert.Equal("sha-new", documents["old.txt"].Sha256);
        Assert.Equal("peer", documents["peer/b.txt"].OriginNodeId);
        var statistics = await index.StatisticsAsync(["falcon"], Ct);
        var (_, chunks) = await index.CountAsync(Ct);
        Assert.Equal(chunks, statistics.Chunks); // the documents' chunk counts match what FTS5 holds
        Assert.Equal(2, statistics.ChunksWithTerm["falcon"]);

        await using (var uncommitted = await index.BeginAsync(Ct))
        {
            await uncommitted.ReplaceAsync("", "", "c.txt", "sha-c", 20, Chunks("falcon again, never kept"), Ct);
            await uncommitted.ReplaceAsync("", "", "a.txt", "sha-a2", 20, Chunks("heron instead"), Ct);
        }

        Assert.Equal(["a.txt", "peer/b.txt"], await FilesAsync(index, "falcon"));
        Assert.Empty(await FilesAsync(index, "heron"));
        Assert.Equal(3, (await index.ListAsync(Ct)).Count);
    }
}
