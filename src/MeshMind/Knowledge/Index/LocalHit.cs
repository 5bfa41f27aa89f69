namespace MeshMind.Knowledge.Index;

/// <summary>
/// One chunk that matched a search on this node: a lexical hit, best first by <see cref="Bm25"/> (lower is better, as SQLite
/// gives it), or a semantic one, best first by <see cref="Similarity"/>.
/// </summary>
/// <param name="OriginNodeId">The node whose file it is (empty: this node's own).</param>
/// <param name="OriginName">That node's name when the replica was stored (empty for this node's own).</param>
/// <param name="Name">The file's name.</param>
/// <param name="Sha256">The content that was indexed.</param>
/// <param name="Chunk">The chunk's place in the file (0 first).</param>
/// <param name="Snippet">Words around the match, each matched term between <c>&lt;mark&gt;</c> and <c>&lt;/mark&gt;</c>; plain text otherwise (not HTML-escaped).</param>
/// <param name="Text">The whole chunk (context for an answer).</param>
/// <param name="Bm25">SQLite FTS5's bm25 rank: more negative is more relevant (0 for a semantic hit).</param>
/// <param name="Similarity">A semantic hit's cosine similarity to the query's embedding (0 for a lexical hit; absent from older peers).</param>
internal sealed record LocalHit(string OriginNodeId, string OriginName, string Name, string Sha256, int Chunk, string Snippet, string Text, double Bm25,
    double Similarity = 0);
