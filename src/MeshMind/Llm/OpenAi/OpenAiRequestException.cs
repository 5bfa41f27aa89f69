namespace MeshMind.Llm.OpenAi;

/// <summary>An OpenAI request that cannot be translated; answered with 400 and OpenAI's error shape, naming <see cref="Param"/>.</summary>
internal sealed class OpenAiRequestException(string message, string param) : Exception(message)
{
    public string Param { get; } = param;
}
