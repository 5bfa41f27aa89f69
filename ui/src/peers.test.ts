import { describe, expect, it } from 'vitest'
import type { LinkState, Peer } from './api/types'
import { sortPeers } from './peers'

function peer(name: string, link_state: LinkState, revoked = false, node_id = name): Peer {
  return {
    node_id,
    name,
    addresses: [],
    http_port: 8080,
    mesh_port: 8081,
    has_llm: false,
    models: [],
    link_state,
    rtt_ms: null,
    first_seen: '2026-11-26T12:00:00Z',
    last_seen: '2026-11-26T12:00:00Z',
    revoked,
    name_conflict: false,
    links: [],
  }
}

describe('sortPeers', () => {
  it('puts up, then connecting, then down, then revoked peers; by name within each', () => {
    const peers = [
      peer('zeta', 'up', true),
      peer('delta', 'down'),
      peer('node-10', 'up'),
      peer('Node-9', 'up'),
      peer('alpha', 'connecting'),
    ]
    expect(sortPeers(peers).map((p) => p.name)).toEqual(['Node-9', 'node-10', 'alpha', 'delta', 'zeta'])
  })

  it('breaks a name tie by node id and leaves the input alone', () => {
    const peers = [peer('same', 'up', false, 'b'), peer('same', 'up', false, 'a')]
    expect(sortPeers(peers).map((p) => p.node_id)).toEqual(['a', 'b'])
    expect(peers.map((p) => p.node_id)).toEqual(['b', 'a'])
  })
})
