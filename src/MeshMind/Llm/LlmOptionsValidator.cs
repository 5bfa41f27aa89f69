using MeshMind.Hosting;
using Microsoft.Extensions.Options;

namespace MeshMind.Llm;

public sealed class LlmOptionsValidator : IValidateOptions<LlmOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmOptions options)
    {
        var errors = new ValidationErrors();
        errors.HttpUrl("Llm:OllamaUrl", options.OllamaUrl);
        return errors.Result();
    }
}
