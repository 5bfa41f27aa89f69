// /api/peers: the nodes this node knows about.
import { request, unexpectedResponse } from './http'
import type { Peer } from './types'

/** GET /api/peers: every peer this node knows about. */
export async function getPeers(signal?: AbortSignal): Promise<Peer[]> {
  const peers = await request<unknown>('/api/peers', { signal })
  if (!Array.isArray(peers)) throw unexpectedResponse()
  return peers as Peer[]
}

/** POST /api/peers/{node_id}/revoke: stop trusting a peer (204 on success, 404 for an unknown node). */
export function revokePeer(nodeId: string): Promise<void> {
  return request<void>(`/api/peers/${encodeURIComponent(nodeId)}/revoke`, { method: 'POST', body: {} })
}

/** DELETE /api/peers/{node_id}/revocation: undo a revocation, so the peer may join again (204; 404 when it is not revoked). */
export function restorePeer(nodeId: string): Promise<void> {
  return request<void>(`/api/peers/${encodeURIComponent(nodeId)}/revocation`, { method: 'DELETE' })
}
