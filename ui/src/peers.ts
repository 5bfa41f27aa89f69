import type { Peer } from './api/types'

function rank(p: Peer): number {
  if (p.revoked) return 3
  if (p.link_state === 'up') return 0
  if (p.link_state === 'connecting') return 1
  return 2
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true })

/** Up first, then connecting, then down, then revoked; by name within each group. */
export function sortPeers(peers: Peer[]): Peer[] {
  return [...peers].sort(
    (a, b) => rank(a) - rank(b) || collator.compare(a.name ?? '', b.name ?? '') || a.node_id.localeCompare(b.node_id),
  )
}
