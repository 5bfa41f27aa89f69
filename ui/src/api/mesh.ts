// Invites and the mesh secret: /api/invites, /api/mesh/join, /api/mesh/secret.
import { request, unexpectedResponse } from './http'
import type { Invite, JoinedMesh, MeshSecret, SecretRotation } from './types'

/** POST /api/invites: a single-use code for a new device (429 when too many are open). */
export async function createInvite(): Promise<Invite> {
  const invite = await request<Invite>('/api/invites', { method: 'POST', body: {} })
  if (!invite || typeof invite.code !== 'string') throw unexpectedResponse()
  return invite
}

/** POST /api/mesh/join: this node joins the mesh the code comes from (400 typo, 410 used/expired, 502 unreachable…). */
export async function joinMesh(code: string): Promise<JoinedMesh> {
  const joined = await request<JoinedMesh>('/api/mesh/join', { method: 'POST', body: { code } })
  if (!joined || typeof joined.node_id !== 'string') throw unexpectedResponse()
  return joined
}

/** GET /api/mesh/secret: never the secret, only whether it can be rotated here and a rotation's grace period. */
export function getMeshSecret(signal?: AbortSignal): Promise<MeshSecret> {
  return request<MeshSecret>('/api/mesh/secret', { signal })
}

/** POST /api/mesh/secret/rotate: a new secret, sent to every linked peer (409 when it is configured where the node does not write). */
export function rotateSecret(): Promise<SecretRotation> {
  return request<SecretRotation>('/api/mesh/secret/rotate', { method: 'POST', body: {} })
}
