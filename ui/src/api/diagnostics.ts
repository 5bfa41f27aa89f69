// /api/diagnostics and /api/static-peers: the doctor's findings and the peers this node dials by address.
import { request, unexpectedResponse } from './http'
import type { Finding, StaticPeer } from './types'

/** GET /api/diagnostics: findings, problems first. `refresh` runs the reach-back test again (it takes a few seconds). */
export async function getDiagnostics(refresh = false, signal?: AbortSignal): Promise<Finding[]> {
  const findings = await request<unknown>(refresh ? '/api/diagnostics?refresh=true' : '/api/diagnostics', { signal })
  if (!Array.isArray(findings)) throw unexpectedResponse()
  return findings as Finding[]
}

/** GET /api/static-peers. */
export async function getStaticPeers(signal?: AbortSignal): Promise<StaticPeer[]> {
  const peers = await request<unknown>('/api/static-peers', { signal })
  if (!Array.isArray(peers)) throw unexpectedResponse()
  return peers as StaticPeer[]
}

/** POST /api/static-peers: 201 with the peer; 400 (not HOST:PORT) or 409 (already there) with a message that says why. */
export function addStaticPeer(address: string): Promise<StaticPeer> {
  return request<StaticPeer>('/api/static-peers', { method: 'POST', body: { address } })
}

/** DELETE /api/static-peers/{address}: 204; 409 for a configured peer. */
export function removeStaticPeer(address: string): Promise<void> {
  return request<void>(`/api/static-peers/${encodeURIComponent(address)}`, { method: 'DELETE' })
}
