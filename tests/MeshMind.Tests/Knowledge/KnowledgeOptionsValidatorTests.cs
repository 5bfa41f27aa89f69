using MeshMind.Knowledge;

namespace MeshMind.Tests.Knowledge;

/// <summary>The <c>Knowledge</c> section's checks at start, for the settings of semantic search.</summary>
public sealed class KnowledgeOptionsValidatorTests
{
    [Theory]
    [InlineData("auto")]
    [InlineData("off")]
    [InlineData("nomic-embed-text")]
    [InlineData("mxbai-embed-large:335m")]
    public void Validate_EmbeddingModel_AutoOffOrAName_Passes(string model) =>
        Assert.True(new KnowledgeOptionsValidator().Validate(null, new KnowledgeOptions { EmbeddingModel = model }).Succeeded);

    [Theory]
    [InlineData("", 0.5, "Knowledge:EmbeddingModel")]
    [InlineData("two words", 0.5, "Knowledge:EmbeddingModel")]
    [InlineData("auto", 1.5, "Knowledge:MinSimilarity")]
    [InlineData("auto", double.NaN, "Knowledge:MinSimilarity")]
    public void Validate_BadSemanticSetting_FailsNamingIt(string model, double minSimilarity, string key)
    {
        var result = new KnowledgeOptionsValidator().Validate(null, new KnowledgeOptions { EmbeddingModel = model, MinSimilarity = minSimilarity });

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }
}
