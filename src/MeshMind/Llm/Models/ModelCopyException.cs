namespace MeshMind.Llm.Models;

/// <summary>A copy that cannot go on; the message is for the person who asked for it (the last NDJSON line's <c>error</c>).</summary>
internal sealed class ModelCopyException(string message, Exception? inner = null) : Exception(message, inner);
