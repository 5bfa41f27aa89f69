namespace MeshMind.Knowledge.Search;

/// <summary>One chunk found anywhere in the mesh.</summary>
/// <param name="NodeId">The node whose file it is.</param>
/// <param name="Node">That node's name.</param>
/// <param name="File">The file's name on that node.</param>
/// <param name="Sha256">The content that was indexed.</param>
/// <param name="Chunk">The chunk's place in the file (0 first).</param>
/// <param name="Snippet">Words around the match, matches between <c>&lt;mark&gt;</c> and <c>&lt;/mark&gt;</c> (plain text otherwise, not HTML-escaped).</param>
/// <param name="Text">The whole chunk.</param>
/// <param name="Score">Fused score (reciprocal rank fusion): higher is better.</param>
internal sealed record MeshHit(string NodeId, string Node, string File, string Sha256, int Chunk, string Snippet, string Text, double Score);
