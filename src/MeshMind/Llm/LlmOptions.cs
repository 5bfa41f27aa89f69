namespace MeshMind.Llm;

/// <summary>The local LLM backend (configuration section <c>Llm</c>).</summary>
public sealed class LlmOptions
{
    public const string Section = "Llm";

    public string OllamaUrl { get; set; } = "http://127.0.0.1:11434";
}
