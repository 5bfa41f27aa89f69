namespace MeshMind.Knowledge.Search;

/// <summary>A search across the mesh: the best hits, and the peers whose files could not be searched in time.</summary>
internal sealed record MeshSearchResult(IReadOnlyList<MeshHit> Hits, IReadOnlyList<string> Missing);
