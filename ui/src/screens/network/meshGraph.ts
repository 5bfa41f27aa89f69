// The mesh as a graph for the Network screen: this node in the middle, each peer it knows around it, one edge per link.
// Links between two peers come from what each linked peer says it is linked to (`links` in /api/peers, its latest peer
// exchange): drawn thinner and without an RTT, which only the two ends know.
import type { Edge, Node } from '@xyflow/react'
import type { Peer } from '../../api/types'
import { peerDisplayName } from '../../lib/format'

/** A link's state as drawn: a revoked peer's link is down for good. */
export type LinkDrawState = 'up' | 'connecting' | 'down' | 'revoked'

export type MeshNodeData = {
  nodeId: string
  name: string
  self: boolean
  state: LinkDrawState | 'self'
  models: string[]
}

export type MeshEdgeData = {
  state: LinkDrawState
  rttMs: number | null
  /** A link between two peers (as one of them reports it), not one of this node's own. */
  between?: boolean
}

export type MeshNode = Node<MeshNodeData, 'mesh'>
export type MeshEdge = Edge<MeshEdgeData, 'link'>

export interface SelfNode {
  node_id: string
  name: string
  /** The models this node's own LLM serves. */
  models: string[]
}

/** Horizontal and vertical radius of the ring of peers: wider than tall, as the graph's box is. */
const RING_X = 300
const RING_Y = 170
/** More peers than fit on the ring's circumference at this spacing widen it. */
const MIN_SPACING = 190

/** "3.4 ms", "120 ms"; "—" when unknown. */
export function formatRtt(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '—'
  return ms < 100 ? `${Number(ms.toFixed(1))} ms` : `${Math.round(ms)} ms`
}

export function linkDrawState(peer: Peer): LinkDrawState {
  return peer.revoked ? 'revoked' : peer.link_state
}

/** What the edge to a peer says: its round-trip time while the link is up, else the link's state; nothing on a link between two peers. */
export function edgeLabel(data: MeshEdgeData): string {
  if (data.between) return ''
  return data.state === 'up' ? formatRtt(data.rttMs) : data.state
}

/**
 * Nodes and edges for React Flow. Positions are centres (the graph uses nodeOrigin [0.5, 0.5]): this node at the
 * origin, the peers on an ellipse around it in node-id order, so a peer keeps its place while its link comes and goes.
 */
export function buildMeshGraph(self: SelfNode, peers: Peer[]): { nodes: MeshNode[]; edges: MeshEdge[] } {
  const others = peers.filter((p) => p.node_id !== self.node_id).sort((a, b) => (a.node_id < b.node_id ? -1 : a.node_id > b.node_id ? 1 : 0))
  const scale = Math.max(1, (others.length * MIN_SPACING) / (2 * Math.PI * RING_X))
  const nodes: MeshNode[] = [
    {
      id: self.node_id,
      type: 'mesh',
      position: { x: 0, y: 0 },
      data: { nodeId: self.node_id, name: self.name || self.node_id.slice(0, 12), self: true, state: 'self', models: self.models },
    },
  ]
  const edges: MeshEdge[] = []
  others.forEach((peer, i) => {
    // One peer sits to the right; more go round from there.
    const angle = (2 * Math.PI * i) / others.length
    const state = linkDrawState(peer)
    nodes.push({
      id: peer.node_id,
      type: 'mesh',
      position: { x: Math.round(Math.cos(angle) * RING_X * scale), y: Math.round(Math.sin(angle) * RING_Y * scale) },
      data: { nodeId: peer.node_id, name: peerDisplayName(peer), self: false, state, models: peer.models ?? [] },
    })
    edges.push({
      id: `${self.node_id}->${peer.node_id}`,
      type: 'link',
      source: self.node_id,
      target: peer.node_id,
      data: { state, rttMs: state === 'up' ? (peer.rtt_ms ?? null) : null },
    })
  })
  // Links between peers, once per pair, as a linked peer reports them; only between peers on the graph and not revoked here.
  const drawn = new Map(others.map((p) => [p.node_id, p]))
  const paired = new Set<string>()
  for (const peer of others) {
    if (linkDrawState(peer) !== 'up') continue
    for (const other of peer.links ?? []) {
      const far = drawn.get(other)
      if (!far || far.revoked) continue
      const [source, target] = peer.node_id < other ? [peer.node_id, other] : [other, peer.node_id]
      const id = `${source}--${target}`
      if (paired.has(id)) continue
      paired.add(id)
      edges.push({ id, type: 'link', source, target, data: { state: 'up', rttMs: null, between: true } })
    }
  }
  return { nodes, edges }
}

function sameNode(a: MeshNode, b: MeshNode): boolean {
  return (
    a.position.x === b.position.x &&
    a.position.y === b.position.y &&
    a.data.name === b.data.name &&
    a.data.state === b.data.state &&
    a.data.self === b.data.self &&
    a.data.models.join('\n') === b.data.models.join('\n')
  )
}

/**
 * The next poll's nodes, reusing each unchanged node of `prev` as it is and carrying the size React Flow measured over
 * to a changed one. A node object without its measured size is hidden until measured again; keeping them stops every
 * poll from blanking the graph for a frame (or for good, when no resize follows).
 */
export function carryOverNodes(prev: MeshNode[], next: MeshNode[]): MeshNode[] {
  const byId = new Map(prev.map((n) => [n.id, n]))
  return next.map((node) => {
    const old = byId.get(node.id)
    if (!old) return node
    return sameNode(old, node) ? old : { ...node, measured: old.measured }
  })
}
