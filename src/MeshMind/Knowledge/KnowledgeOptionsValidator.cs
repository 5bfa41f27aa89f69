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

        return errors.Result();
    }
}
