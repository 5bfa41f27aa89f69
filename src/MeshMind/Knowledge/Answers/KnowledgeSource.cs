namespace MeshMind.Knowledge.Answers;

/// <summary>A chunk given to the model as context, numbered as the answer cites it (<c>[1]</c> is the first).</summary>
internal sealed record KnowledgeSource(int Number, string NodeId, string Node, string File, string Snippet, string DownloadUrl);
