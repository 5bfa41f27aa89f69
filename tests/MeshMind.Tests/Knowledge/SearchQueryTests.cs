using MeshMind.Knowledge.Search;

namespace MeshMind.Tests.Knowledge;

public sealed class SearchQueryTests
{
    [Fact]
    public void Parse_Words_AreQuotedAndJoinedWithOr_SoNoneIsFts5Syntax()
    {
        var (match, error) = SearchQuery.Parse("What did the Q3 report say about \"churn\" NEAR(x)? churn* -OR-");

        Assert.Null(error);
        Assert.Equal("\"q3\" OR \"report\" OR \"churn\" OR \"near\" OR \"x\"", match);
    }

    [Fact]
    public void Parse_OnlyCommonWords_SearchesThem() => Assert.Equal("\"what\" OR \"is\" OR \"it\"", SearchQuery.Parse("What is it?").Match);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("?!* \"\" ()")]
    public void Parse_NothingToSearch_IsAnError(string? query)
    {
        var (match, error) = SearchQuery.Parse(query);

        Assert.Null(match);
        Assert.NotNull(error);
    }

    [Fact]
    public void Parse_TooLong_IsAnError() => Assert.NotNull(SearchQuery.Parse(new string('a', SearchQuery.MaxCharacters + 1)).Error);

    [Fact]
    public void Terms_AreCapped() => Assert.Equal(SearchQuery.MaxTerms, SearchQuery.Terms(string.Join(' ', Enumerable.Range(0, 100).Select(i => $"t{i}"))).Count);

    [Theory]
    [InlineData("", 0)]
    [InlineData("  ", 0)]
    [InlineData("Churn fell, to 3% (Q3)!", 5)]
    [InlineData("café-crème", 2)]
    public void CountTokens_IsTheNumberOfTokens(string text, int count)
    {
        Assert.Equal(count, SearchQuery.CountTokens(text));
        Assert.Equal(count, SearchQuery.Tokens(text).Count);
    }
}
