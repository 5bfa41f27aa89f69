using MeshMind.Infrastructure;
using Microsoft.Extensions.Options;

namespace MeshMind.Knowledge;

internal sealed class KnowledgeOptionsValidator : IValidateOptions<KnowledgeOptions>
{
    public ValidateOptionsResult Validate(string? name, KnowledgeOptions options)
    {
        var errors = new ValidationErrors();
        errors.Range("Knowledge:SearchBudget", options.SearchBudget, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(1));

        if (options.ChunkCharacters is < 100 or > 100_000)
        {
            errors.Add("Knowledge:ChunkCharacters", "must be between 100 and 100000");
        }

        if (options.ChunkOverlap < 0 || options.ChunkOverlap >= options.ChunkCharacters / 2)
        {
            errors.Add("Knowledge:ChunkOverlap", "must be at least 0 and less than half of Knowledge:ChunkCharacters");
        }

        if (options.MaxFileCharacters is < 1_000 or > 256 * 1024 * 1024)
        {
            errors.Add("Knowledge:MaxFileCharacters", "must be between 1000 and 268435456");
        }

        if (options.MinSimilarity is < -1 or > 1 || double.IsNaN(options.MinSimilarity))
        {
            errors.Add("Knowledge:MinSimilarity", "must be between -1 and 1 (a cosine similarity)");
        }

        errors.Text("Knowledge:EmbeddingModel", options.EmbeddingModel, maxLength: 200, required: true);
        if (options.EmbeddingModel is { } model && model.Trim().Any(char.IsWhiteSpace))
        {
            errors.Add("Knowledge:EmbeddingModel", "must be 'auto', 'off' or a model name (no spaces)");
        }

        return errors.Result();
    }
}
