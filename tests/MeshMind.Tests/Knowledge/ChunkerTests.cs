using MeshMind.Knowledge.Extraction;

namespace MeshMind.Tests.Knowledge;

public sealed class ChunkerTests
{
    private static string Words(int count) => string.Join(' ', Enumerable.Range(0, count).Select(i => $"w{i:D4}"));

    [Fact]
    public void Split_ShortText_IsOneChunk()
    {
        var chunks = Chunker.Split("  a short note  ", 100, 20).ToList();

        Assert.Equal(["a short note"], chunks.Select(c => c.Text));
    }

    [Fact]
    public void Split_LongText_ChunksAreBoundedOverlapAndCoverEveryWord()
    {
        var text = Words(1_000); // 5,999 characters

        var chunks = Chunker.Split(text, 500, 100).ToList();

        Assert.All(chunks, c => Assert.True(c.Text.Length <= 500, $"chunk of {c.Text.Length} characters"));
        Assert.All(chunks, c => Assert.Matches(@"^w\d{4}( w\d{4})*$", c.Text)); // cut at spaces, never inside a word
        Assert.Equal(Enumerable.Range(0, 1_000).Select(i => $"w{i:D4}"), chunks.SelectMany(c => c.Text.Split(' ')).Distinct());
        for (var i = 1; i < chunks.Count; i++)
        {
            var previousEnd = chunks[i - 1].Start + chunks[i - 1].Text.Length;
            Assert.InRange(previousEnd - chunks[i].Start, 80, 100); // the overlap, give or take the word it starts at
        }
    }

    [Fact]
    public void Split_NoOverlap_ChunksFollowEachOther()
    {
        var chunks = Chunker.Split(Words(300), 200, 0).ToList();

        Assert.Equal(Words(300), string.Join(' ', chunks.Select(c => c.Text)));
    }

    [Fact]
    public void Split_OneHugeWord_IsCutToTheSize_AndStillAdvances()
    {
        var chunks = Chunker.Split(new string('x', 2_500), 1_000, 100).ToList();

        Assert.Equal([1_000, 1_000, 700], chunks.Select(c => c.Text.Length));
        Assert.Equal([0, 900, 1_800], chunks.Select(c => c.Start));
    }

    [Fact]
    public void Split_OverlapNotBelowSize_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Chunker.Split("text", 100, 100).ToList());
}
