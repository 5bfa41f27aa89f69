using MeshMind.Infrastructure;
using Microsoft.Extensions.Options;

namespace MeshMind.Llm;

internal sealed class LlmOptionsValidator : IValidateOptions<LlmOptions>
{
    public ValidateOptionsResult Validate(string? name, LlmOptions options)
    {
        var errors = new ValidationErrors();
        errors.HttpUrl("Llm:OllamaUrl", options.OllamaUrl);
        if (options.Backend is not ("ollama" or "openai"))
        {
            errors.Add("Llm:Backend", "must be 'ollama' or 'openai'");
        }
        else if (options.Backend == "openai")
        {
            errors.HttpUrl("Llm:OpenAiUrl", options.OpenAiUrl);
        }

        errors.Text("Llm:OpenAiKey", options.OpenAiKey, 4096, required: false);
        errors.Range("Llm:ProbeInterval", options.ProbeInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        errors.Range("Llm:ProbeTimeout", options.ProbeTimeout, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(10));
        errors.Range("Llm:FirstTokenTimeout", options.FirstTokenTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        errors.Range("Llm:StallTimeout", options.StallTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        if (options.MaxParallel is < 1 or > 1024)
        {
            errors.Add("Llm:MaxParallel", "must be between 1 and 1024");
        }

        if (options.ContextTurns is < 0 or > 100)
        {
            errors.Add("Llm:ContextTurns", "must be between 0 and 100");
        }

        if (options.ContextCharacters is < 0 or > 1_000_000)
        {
            errors.Add("Llm:ContextCharacters", "must be between 0 and 1000000");
        }

        if (!Scheduling.RoutingStrategy.All.Contains(options.Routing))
        {
            errors.Add("Llm:Routing", $"must be one of {string.Join(", ", Scheduling.RoutingStrategy.All)}");
        }

        if (options.MaxQueue is < 0 or > 100_000)
        {
            errors.Add("Llm:MaxQueue", "must be between 0 and 100000");
        }

        errors.Range("Llm:QueueTimeout", options.QueueTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(24));
        errors.Range("Llm:LoadTimeout", options.LoadTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        errors.Text("Llm:DefaultModel", options.DefaultModel, 200, required: false);
        errors.Text("Llm:OllamaModelsDir", options.OllamaModelsDir, 4096, required: false);
        errors.Range("Llm:ModelCopyStallTimeout", options.ModelCopyStallTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        if (options.ModelCopyBytesPerSecond < 0)
        {
            errors.Add("Llm:ModelCopyBytesPerSecond", "must be 0 (no limit) or a number of bytes per second");
        }
        return errors.Result();
    }
}
