// Search inside the mesh's shared files: GET /api/search.
import { request } from './http'
import type { SearchHit, SearchResult } from './types'

/** GET /api/search: the `k` best chunks of every node's shared files for `query`. */
export function searchMesh(query: string, k: number, signal?: AbortSignal): Promise<SearchResult> {
  return request<SearchResult>(`/api/search?q=${encodeURIComponent(query)}&k=${k}`, { signal })
}

/** A snippet's pieces: the node marks each match with <mark>…</mark>; everything else is plain text. */
export function snippetParts(snippet: string): { text: string; mark: boolean }[] {
  const parts: { text: string; mark: boolean }[] = []
  let mark = false
  for (const piece of snippet.split(/(<mark>|<\/mark>)/)) {
    if (piece === '<mark>') mark = true
    else if (piece === '</mark>') mark = false
    else if (piece) parts.push({ text: piece, mark })
  }
  return parts
}

/** Hits grouped by the node whose files they are, in the order each node's best hit ranks. */
export function hitsByNode(hits: SearchHit[]): { nodeId: string; node: string; hits: SearchHit[] }[] {
  const groups = new Map<string, { nodeId: string; node: string; hits: SearchHit[] }>()
  for (const hit of hits) {
    const group = groups.get(hit.node_id) ?? { nodeId: hit.node_id, node: hit.node, hits: [] }
    group.hits.push(hit)
    groups.set(hit.node_id, group)
  }
  return [...groups.values()]
}
