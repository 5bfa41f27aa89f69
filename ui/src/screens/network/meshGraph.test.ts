import { describe, expect, it } from 'vitest'
import type { LinkState, Peer } from '../../api/types'
import { buildMeshGraph, carryOverNodes, edgeLabel, formatRtt } from './meshGraph'

const SELF = { node_id: 'ff'.repeat(32), name: 'me', models: ['llama3:8b'] }

function peer(node_id: string, link_state: LinkState, fields: Partial<Peer> = {}): Peer {
  return {
    node_id,
    name: `peer-${node_id.slice(0, 2)}`,
    addresses: [],
    http_port: 8080,
    mesh_port: 8081,
    has_llm: false,
    models: [],
    link_state,
    rtt_ms: link_state === 'up' ? 3.25 : null,
    first_seen: '2026-11-26T12:00:00Z',
    last_seen: '2026-11-26T12:00:00Z',
    revoked: false,
    name_conflict: false,
    links: [],
    ...fields,
  }
}

describe('buildMeshGraph', () => {
  it('puts this node alone in the middle when there are no peers', () => {
    const { nodes, edges } = buildMeshGraph(SELF, [])
    expect(nodes).toHaveLength(1)
    expect(nodes[0]).toMatchObject({ id: SELF.node_id, position: { x: 0, y: 0 }, data: { self: true, state: 'self', models: ['llama3:8b'] } })
    expect(edges).toEqual([])
  })

  it('links this node to every peer, with the link state, the RTT while up and the models each peer hosts', () => {
    const peers = [
      peer('aa'.repeat(32), 'up', { models: ['qwen2.5:7b', 'phi3'], has_llm: true }),
      peer('bb'.repeat(32), 'down', { rtt_ms: 12 }),
      peer('cc'.repeat(32), 'up', { revoked: true }),
    ]
    const { nodes, edges } = buildMeshGraph(SELF, peers)

    expect(nodes.map((n) => [n.data.name, n.data.state, n.data.self])).toEqual([
      ['me', 'self', true],
      ['peer-aa', 'up', false],
      ['peer-bb', 'down', false],
      ['peer-cc', 'revoked', false],
    ])
    expect(nodes[1].data.models).toEqual(['qwen2.5:7b', 'phi3'])
    expect(edges.map((e) => [e.source, e.target, e.data?.state, e.data?.rttMs])).toEqual([
      [SELF.node_id, 'aa'.repeat(32), 'up', 3.25],
      [SELF.node_id, 'bb'.repeat(32), 'down', null], // a down link's last RTT is not shown as if current
      [SELF.node_id, 'cc'.repeat(32), 'revoked', null],
    ])
    expect(new Set(edges.map((e) => e.id)).size).toBe(3)
  })

  it('draws each link between two peers once, as a linked peer reports it, without an RTT', () => {
    const [a, b, c, d] = ['aa', 'bb', 'cc', 'dd'].map((x) => x.repeat(32))
    const peers = [
      peer(a, 'up', { links: [b, c, SELF.node_id, 'ee'.repeat(32)] }), // this node and an unknown node are not drawn twice or at all
      peer(b, 'up', { links: [a] }), // the same link seen from its other end
      peer(c, 'down', { links: [d] }), // a peer we are not linked to says nothing that counts
      peer(d, 'up', { links: [c], revoked: true }),
    ]
    const { edges } = buildMeshGraph(SELF, peers)

    const between = edges.filter((e) => e.data?.between)
    expect(between.map((e) => [e.source, e.target, e.data?.state, e.data?.rttMs])).toEqual([
      [a, b, 'up', null],
      [a, c, 'up', null],
    ])
    expect(edgeLabel(between[0].data!)).toBe('')
    expect(new Set(edges.map((e) => e.id)).size).toBe(edges.length)
  })

  it('keeps each peer in its place whatever order or state the list comes in', () => {
    const a = peer('aa'.repeat(32), 'up')
    const b = peer('bb'.repeat(32), 'up')
    const first = buildMeshGraph(SELF, [a, b]).nodes
    const second = buildMeshGraph(SELF, [{ ...b, link_state: 'down' }, a]).nodes
    const at = (nodes: typeof first, id: string) => nodes.find((n) => n.id === id)?.position
    expect(at(second, a.node_id)).toEqual(at(first, a.node_id))
    expect(at(second, b.node_id)).toEqual(at(first, b.node_id))
    // One peer to the right of this node, the second opposite it.
    expect(at(first, a.node_id)!.x).toBeGreaterThan(0)
    expect(at(first, b.node_id)!.x).toBeLessThan(0)
  })

  it('spreads many peers apart: no two centres within 100 px', () => {
    const peers = Array.from({ length: 40 }, (_, i) => peer(i.toString(16).padStart(2, '0').repeat(32), 'up'))
    const { nodes } = buildMeshGraph(SELF, peers)
    const ring = nodes.slice(1).map((n) => n.position)
    let closest = Infinity
    ring.forEach((p, i) => ring.slice(i + 1).forEach((q) => (closest = Math.min(closest, Math.hypot(p.x - q.x, p.y - q.y)))))
    expect(closest).toBeGreaterThan(100)
  })

  it('leaves this node out of the ring if the list names it too', () => {
    const { nodes, edges } = buildMeshGraph(SELF, [peer(SELF.node_id, 'up')])
    expect(nodes).toHaveLength(1)
    expect(edges).toEqual([])
  })
})

describe('carryOverNodes', () => {
  const a = peer('aa'.repeat(32), 'up')
  const b = peer('bb'.repeat(32), 'up')

  it('keeps an unchanged node as the same object, with the size React Flow measured', () => {
    const prev = buildMeshGraph(SELF, [a, b]).nodes.map((n) => ({ ...n, measured: { width: 192, height: 60 } }))
    const next = carryOverNodes(prev, buildMeshGraph(SELF, [{ ...a, rtt_ms: 9 }, b]).nodes)
    expect(next).toHaveLength(3)
    next.forEach((node, i) => expect(node).toBe(prev[i]))
  })

  it('takes a changed node’s new data, keeping its measured size', () => {
    const prev = buildMeshGraph(SELF, [a, b]).nodes.map((n) => ({ ...n, measured: { width: 192, height: 60 } }))
    const next = carryOverNodes(prev, buildMeshGraph(SELF, [{ ...a, link_state: 'down' }, { ...b, models: ['phi3'] }]).nodes)
    expect(next[0]).toBe(prev[0])
    expect(next[1]).not.toBe(prev[1])
    expect(next[1]).toMatchObject({ data: { state: 'down' }, measured: { width: 192, height: 60 } })
    expect(next[2]).toMatchObject({ data: { models: ['phi3'] }, measured: { width: 192, height: 60 } })
  })

  it('adds new nodes as they are and drops the ones gone', () => {
    const prev = buildMeshGraph(SELF, [a]).nodes
    const next = carryOverNodes(prev, buildMeshGraph(SELF, [b]).nodes)
    expect(next.map((n) => n.id)).toEqual([SELF.node_id, b.node_id])
    expect(next[1].measured).toBeUndefined()
  })
})

describe('edgeLabel', () => {
  it('is the RTT while the link is up, else its state', () => {
    expect(edgeLabel({ state: 'up', rttMs: 3.25 })).toBe('3.3 ms')
    expect(edgeLabel({ state: 'up', rttMs: null })).toBe('—')
    expect(edgeLabel({ state: 'down', rttMs: null })).toBe('down')
    expect(edgeLabel({ state: 'revoked', rttMs: null })).toBe('revoked')
  })
})

describe('formatRtt', () => {
  it('keeps one decimal under 100 ms and rounds above', () => {
    expect(formatRtt(0.42)).toBe('0.4 ms')
    expect(formatRtt(12)).toBe('12 ms')
    expect(formatRtt(250.6)).toBe('251 ms')
    expect(formatRtt(Number.NaN)).toBe('—')
  })
})
