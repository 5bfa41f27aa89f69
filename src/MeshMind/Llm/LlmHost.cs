namespace MeshMind.Llm;

/// <summary>The node that answered: reported with every answer and saved with every exchange.</summary>
internal sealed record LlmHost(string NodeId, string Name, string Ip, bool HasLlm, bool IsLocal);
