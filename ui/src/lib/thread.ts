// A conversation is a tree: every exchange names the exchange it follows (`parent_id`, null for a
// first question). Editing a question or regenerating an answer adds a sibling instead of
// rewriting history, so the thread forks there. The screen shows one branch: the path from a root
// to a leaf. Which leaf is a choice of this browser tab; by default (and after a reload) it is the
// newest exchange, so a question just asked is always on screen.

/** What the tree functions need of an exchange; `nodes` are always in the order they were made. */
export interface ThreadNode {
  id: string
  parentId: string | null
}

/** The branch ending at `leafId`, root first. An unknown leaf (or null) means the newest node. */
export function activePath<T extends ThreadNode>(nodes: readonly T[], leafId: string | null): T[] {
  const byId = new Map(nodes.map((n) => [n.id, n]))
  let node: T | undefined = (leafId != null ? byId.get(leafId) : undefined) ?? nodes[nodes.length - 1]
  const path: T[] = []
  const seen = new Set<string>()
  while (node && !seen.has(node.id)) {
    seen.add(node.id)
    path.push(node)
    node = node.parentId != null ? byId.get(node.parentId) : undefined
  }
  return path.reverse()
}

/** Whether `id` is `ancestorId` or lies below it. */
function isUnder(byId: Map<string, ThreadNode>, id: string, ancestorId: string): boolean {
  const seen = new Set<string>()
  let current: ThreadNode | undefined = byId.get(id)
  while (current && !seen.has(current.id)) {
    if (current.id === ancestorId) return true
    seen.add(current.id)
    current = current.parentId != null ? byId.get(current.parentId) : undefined
  }
  return false
}

/** The newest node at or below `id` (the leaf to show when that branch is chosen). */
export function newestLeafUnder<T extends ThreadNode>(nodes: readonly T[], id: string): string {
  const byId = new Map<string, ThreadNode>(nodes.map((n) => [n.id, n]))
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (isUnder(byId, nodes[i].id, id)) return nodes[i].id
  }
  return id
}

/** The alternatives at a node's place in the thread (itself included), oldest first. */
export function siblingsOf<T extends ThreadNode>(nodes: readonly T[], node: ThreadNode): T[] {
  return nodes.filter((n) => n.parentId === node.parentId)
}

/** Where a node stands among its siblings: `index` from 0, of `count`. */
export function branchPosition(nodes: readonly ThreadNode[], node: ThreadNode): { index: number; count: number } {
  const siblings = siblingsOf(nodes, node)
  return { index: siblings.findIndex((n) => n.id === node.id), count: siblings.length }
}

/**
 * The leaf to show after moving `offset` siblings away from `node` (‹ −1, › +1): the newest
 * exchange under that sibling. Null when there is no sibling that way.
 */
export function switchBranch<T extends ThreadNode>(nodes: readonly T[], node: ThreadNode, offset: number): string | null {
  const siblings = siblingsOf(nodes, node)
  const target = siblings[siblings.findIndex((n) => n.id === node.id) + offset]
  return target ? newestLeafUnder(nodes, target.id) : null
}
