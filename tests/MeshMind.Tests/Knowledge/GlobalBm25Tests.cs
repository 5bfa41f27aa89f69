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

/// <summary>The ranking of a search across nodes: BM25 over the summed statistics is FTS5's own bm25() of one index of everything.</summary>
public sealed class GlobalBm25Tests
{
    private static readonly string[] s_texts =
    [
        "Customer churn fell to 3 percent in the third quarter.",
        "Churn, churn, churn: the word of the year in every churn review.",
        "The onboarding redesign shipped in July; churn is down.",
        "Revenue grew while the team planned the holiday at the lake.",
        "A long note about many things: budgets, hiring, offices, churn, laptops, coffee, plans and more plans for the quarter.",
    ];

    private static async Task<KnowledgeIndex> IndexAsync(TempDirectory dir, string name, IEnumerable<string> texts)
    {
        var database = new Database(new DataDirectory(Options.Create(new NodeOptions { DataDir = dir.Combine(name) })), NullLogger<Database>.Instance);
        await database.MigrateAsync(Migrations.All, Ct);
        var index = new KnowledgeIndex(database, TimeProvider.System);
        var i = 0;
        foreach (var text in texts)
        {
            await index.ReplaceAsync("", "", $"f{i++}.txt", "sha", text.Length, Chunker.Split(text, 1_000, 100), Ct);
        }

        return index;
    }

    [Theory]
    [InlineData("churn")]
    [InlineData("churn quarter")]
    [InlineData("What did the third quarter say about churn and the lake?")]
    public async Task Score_WithOneIndexStatistics_EqualsFts5Bm25(string query)
    {
        using var dir = new TempDirectory();
        var index = await IndexAsync(dir, "one", s_texts);
        var terms = SearchQuery.Searched(query);

        var hits = await index.SearchAsync(SearchQuery.Parse(query).Match!, 10, Ct);
        var stats = await index.StatisticsAsync(terms, Ct);

        Assert.NotEmpty(hits);
        Assert.All(hits, h => Assert.Equal(-h.Bm25, GlobalBm25.Score(h.Text, terms, stats), 9));
    }

    [Fact]
    public async Task Score_WithSummedStatistics_RanksTwoIndexesAsOne()
    {
        using var dir = new TempDirectory();
        var whole = await IndexAsync(dir, "whole", s_texts);
        var left = await IndexAsync(dir, "left", s_texts[..2]);
        var right = await IndexAsync(dir, "right", s_texts[2..]);
        const string Query = "churn quarter plans";
        var terms = SearchQuery.Searched(Query);
        var match = SearchQuery.Parse(Query).Match!;

        var expected = (await whole.SearchAsync(match, 10, Ct)).Select(h => h.Text).ToList();
        var mesh = TermStatistics.Sum([await left.StatisticsAsync(terms, Ct), await right.StatisticsAsync(terms, Ct)]);
        var merged = (await left.SearchAsync(match, 10, Ct)).Concat(await right.SearchAsync(match, 10, Ct))
            .OrderByDescending(h => GlobalBm25.Score(h.Text, terms, mesh)).Select(h => h.Text).ToList();

        Assert.Equal(expected, merged);
    }
}
