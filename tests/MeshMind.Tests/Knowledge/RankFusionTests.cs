using MeshMind.Knowledge.Search;

namespace MeshMind.Tests.Knowledge;

public sealed class RankFusionTests
{
    [Fact]
    public void Fuse_OneRanking_KeepsItsOrder_WithReciprocalScores()
    {
        var fused = RankFusion.Fuse([(IReadOnlyList<string>)["a", "b", "c"]]);

        Assert.Equal(["a", "b", "c"], fused.Select(f => f.Item));
        Assert.Equal(1.0 / 61, fused[0].Score, 12);
        Assert.Equal(1.0 / 63, fused[2].Score, 12);
    }

    [Fact]
    public void Fuse_ItemHighInBoth_BeatsItemFirstInOnlyOne()
    {
        IReadOnlyList<string> lexical = ["x", "both", "y"];
        IReadOnlyList<string> semantic = ["z", "both", "w"];

        var fused = RankFusion.Fuse([lexical, semantic]);

        Assert.Equal("both", fused[0].Item);
        Assert.Equal(2.0 / 62, fused[0].Score, 12);
        Assert.Equal(["both", "x", "z", "y", "w"], fused.Select(f => f.Item)); // ties keep the order first seen
    }

    [Fact]
    public void Fuse_NoRankings_IsEmpty() => Assert.Empty(RankFusion.Fuse(Array.Empty<IReadOnlyList<int>>()));
}
