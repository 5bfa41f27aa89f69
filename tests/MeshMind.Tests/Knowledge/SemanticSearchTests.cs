using System.Net;
using System.Net.Http.Json;
using MeshMind.FakeOllama;
using MeshMind.Knowledge.Embeddings;
using MeshMind.Tests.Support;
using static MeshMind.Tests.Knowledge.MeshSearchTests;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Knowledge;

/// <summary>
/// Semantic search on in-process nodes, with the fixture's embedding (hashed character trigrams, so "churning customers" is near
/// "customer churn" though no word of the one is a word of the other): chunks are embedded through the mesh, in the background,
/// and once only; the query's vector goes to the peers; a peer without vectors still answers by words.
/// </summary>
public sealed class SemanticSearchTests
{
    private const string EmbedModel = "nomic-embed-text:latest";
    private const string Report = "Q3 report. Customer churn fell to 3 percent in the third quarter, after the new onboarding.";
    private const string Recipe = "Bake the bread for forty minutes; the third loaf burns.";

    /// <summary>No word of it is in <see cref="Report"/> ("churning" is not "churn", "customers" is not "customer").</summary>
    private const string Paraphrase = "churning customers";

    /// <summary>The fixture's trigram vectors are less alike than a real model's: a paraphrase of a paragraph is about 0.3 from it.</summary>
    private const string MinSimilarity = "0.2";

    private static FakeOllamaOptions Embedder() => new() { Models = [new(EmbedModel, "nomic-bert", "137M", 274_302_450)] };

    private static Task UntilEmbeddedAsync(TestNode node) =>
        Wait.UntilAsync(() => Service<KnowledgeEmbedder>(node).UpToDateWith == EmbedModel, WaitLimit, $"{Id(node)[..6]}'s chunks embedded");

    [Fact]
    public async Task Search_QuerySharingNoWordWithTheFile_FoundOnlyWithSemanticSearch_AndAPeerWithoutVectorsAnswersByWords()
    {
        await using var ollama = await FixtureAsync(Embedder());
        await using var host = await StartAsync("host", ollama.BaseAddress.ToString());
        await using var semantic = await StartAsync("semantic", NoLlm, [host], new() { ["Knowledge:MinSimilarity"] = MinSimilarity });
        await using var lexical = await StartAsync("lexical", NoLlm, [host, semantic], new() { ["Knowledge:EmbeddingModel"] = "off" });
        await UntilRoutableAsync(semantic, host);
        await UntilLinkedAsync(semantic, lexical);
        await UntilLinkedAsync(lexical, semantic);
        using var onSemantic = await semantic.CreateLoggedInClientAsync();
        using var onLexical = await lexical.CreateLoggedInClientAsync();
        await UploadAsync(onSemantic, "q3-report.md", Report);
        await UploadAsync(onSemantic, "recipes.txt", Recipe);
        await UploadAsync(onLexical, "q3-copy.md", Report);

        // The semantic node embeds its chunks through the host's LLM, in the background.
        await UntilEmbeddedAsync(semantic);
        Assert.Equal(2, Service<KnowledgeEmbedder>(semantic).ChunksEmbedded);
        Assert.Null(Service<KnowledgeEmbedder>(lexical).UpToDateWith);
        await Wait.UntilAsync(async () => Hits(await SearchAsync(onSemantic, "churn")).Count() == 2, WaitLimit, "both reports indexed");

        var found = await SearchAsync(onSemantic, Paraphrase);
        var notFound = await SearchAsync(onLexical, Paraphrase);

        // By meaning: the semantic node's report, not its recipe; the lexical peer has no vectors and no word matches, so its copy
        // is not among them, and it is not missing either.
        var first = Assert.Single(Hits(found));
        Assert.Equal("q3-report.md", first.GetProperty("file").GetString());
        Assert.Equal(Id(semantic), first.GetProperty("node_id").GetString());
        Assert.DoesNotContain("<mark>", first.GetProperty("snippet").GetString(), StringComparison.Ordinal);
        Assert.Empty(Missing(found));
        // By words only (semantic search off on this node): nothing, though the same files are there.
        Assert.Empty(Hits(notFound));
        Assert.Empty(Missing(notFound));

        // A query whose words match ranks by both: the lexical peer's copy is found by its words, the semantic node's by both.
        var both = await SearchAsync(onSemantic, "customer churn");
        Assert.Equal(["q3-report.md", "q3-copy.md"], Hits(both).Select(h => h.GetProperty("file").GetString()));
    }

    [Fact]
    public async Task Embeddings_SurviveRestart_AreNotMadeAgain_AndAChangedFileIsEmbeddedAnew()
    {
        using var dirs = new TempDirectory();
        await using var ollama = await FixtureAsync(Embedder());
        var extra = new Dictionary<string, string?> { ["Node:DataDir"] = dirs.Combine("a"), ["Knowledge:MinSimilarity"] = MinSimilarity };
        var node = await StartAsync("alpha", ollama.BaseAddress.ToString(), extra: extra);
        var client = await node.CreateLoggedInClientAsync();
        await UploadAsync(client, "q3-report.md", Report);
        await UntilEmbeddedAsync(node);
        Assert.Equal(1, Service<KnowledgeEmbedder>(node).ChunksEmbedded);
        client.Dispose();
        await node.DisposeAsync();
        var requestsBefore = ollama.EmbedRequests;

        await using var again = await StartAsync("alpha", ollama.BaseAddress.ToString(), extra: extra);
        using var clientAgain = await again.CreateLoggedInClientAsync();
        await UntilEmbeddedAsync(again);

        Assert.Equal(0, Service<KnowledgeEmbedder>(again).ChunksEmbedded);
        Assert.Equal(requestsBefore, ollama.EmbedRequests);
        Assert.Equal("q3-report.md", Hits(await SearchAsync(clientAgain, Paraphrase)).First().GetProperty("file").GetString());
        Assert.Equal(requestsBefore + 1, ollama.EmbedRequests); // the query, embedded once

        await UploadAsync(clientAgain, "q3-report.md", "Q3 report, revised. Revenue grew in every region.");
        await Wait.UntilAsync(() => Service<KnowledgeEmbedder>(again).ChunksEmbedded == 1, WaitLimit, "the changed file embedded");
        await UntilEmbeddedAsync(again);
        var revised = Assert.Single(Hits(await SearchAsync(clientAgain, "revenues regions")));
        Assert.StartsWith("Q3 report, revised.", revised.GetProperty("snippet").GetString(), StringComparison.Ordinal);
        Assert.Empty(Hits(await SearchAsync(clientAgain, Paraphrase)));
    }

    [Fact]
    public async Task PeerSearch_BadVector_Is400()
    {
        await using var node = await StartAsync("alpha", NoLlm);
        await using var asker = await StartAsync("bravo", NoLlm, [node]);
        await UntilLinkedAsync(asker, node);
        var peer = Service<MeshMind.Mesh.Peers.PeerDirectory>(asker).Find(Id(node))!;
        var http = Service<MeshMind.Mesh.Transport.PeerHttpClients>(asker).HttpFor(peer.NodeId, peer.Addresses[0], peer.MeshPort);

        using var zeros = await http.PostAsJsonAsync("/mesh/knowledge/search", new { q = "churn", k = 5, model = EmbedModel, vector = new float[8] }, Ct);
        using var noModel = await http.PostAsJsonAsync("/mesh/knowledge/search", new { q = "churn", k = 5, vector = new[] { 1f, 0f } }, Ct);
        using var good = await http.PostAsJsonAsync("/mesh/knowledge/search", new { q = "churn", k = 5, model = EmbedModel, vector = new[] { 1f, 0f } }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, zeros.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noModel.StatusCode);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal(0, (await good.JsonAsync()).GetProperty("similar").GetArrayLength());
    }

    [Fact]
    public void FixtureEmbedding_TextsSharingWordFormsAreCloserThanUnrelatedOnes()
    {
        static double Cosine(string a, string b) =>
            FakeOllamaServer.EmbeddingFor(EmbedModel, a, 256).Zip(FakeOllamaServer.EmbeddingFor(EmbedModel, b, 256)).Sum(p => (double)p.First * p.Second);

        Assert.True(Cosine(Paraphrase, Report) > Cosine(Paraphrase, Recipe) + 0.15, $"{Cosine(Paraphrase, Report)} vs {Cosine(Paraphrase, Recipe)}");
        Assert.InRange(Cosine(Paraphrase, Report), 0.2, 1);
        Assert.InRange(Cosine(Paraphrase, Recipe), -1, 0.2);
        Assert.Equal(1, Cosine(Report, Report), 5);
    }
}
