// Typed helpers for the MeshMind node's JSON API (same origin, cookie auth).

export interface AuthStatus {
  authenticated: boolean
  username: string | null
}

export interface LoginResult {
  username: string
}

export interface NodeStatus {
  is_llm_host: boolean
  peer_count: number
  /** 64 hex chars */
  node_id: string
  name: string
  version: string
  uptime_s: number
  duplicate_node_id?: boolean
}

export type LinkState = 'up' | 'connecting' | 'down'

/** One element of GET /api/peers. */
export interface Peer {
  /** 64 lowercase hex chars */
  node_id: string
  name: string
  addresses: string[]
  http_port: number
  mesh_port: number
  has_llm: boolean
  models: string[]
  link_state: LinkState
  /** Round-trip time of the mesh link; null when unknown (e.g. link not up). */
  rtt_ms: number | null
  /** ISO 8601 timestamps with offset */
  first_seen: string
  last_seen: string
  revoked: boolean
}

/** Error thrown for any non-2xx response (or a network failure, status 0). */
export class ApiError extends Error {
  readonly status: number
  /** Seconds from the Retry-After header, when the server sent one. */
  readonly retryAfter: number | null

  constructor(status: number, message: string, retryAfter: number | null = null) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.retryAfter = retryAfter
  }
}

type UnauthorizedHandler = () => void
let unauthorizedHandler: UnauthorizedHandler | null = null

/** Registers the callback run when a non-auth endpoint answers 401. Returns an unregister function. */
export function onUnauthorized(handler: UnauthorizedHandler): () => void {
  unauthorizedHandler = handler
  return () => {
    if (unauthorizedHandler === handler) unauthorizedHandler = null
  }
}

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null
  const secs = Number(value)
  if (Number.isFinite(secs)) return Math.max(0, Math.ceil(secs))
  const date = Date.parse(value)
  if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - Date.now()) / 1000))
  return null
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  body?: unknown
  signal?: AbortSignal
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', body, signal } = options
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'

  let res: Response
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    })
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err
    throw new ApiError(0, 'Could not reach the node')
  }

  if (!res.ok) {
    let message = res.statusText || `Request failed (${res.status})`
    try {
      const data: unknown = await res.json()
      if (data && typeof data === 'object' && 'error' in data && typeof data.error === 'string') {
        message = data.error
      }
    } catch {
      // body was not JSON; keep the status text
    }
    if (res.status === 401 && !path.startsWith('/api/auth/')) unauthorizedHandler?.()
    throw new ApiError(res.status, message, parseRetryAfter(res.headers.get('Retry-After')))
  }

  if (res.status === 204) return undefined as T
  const text = await res.text()
  return (text ? JSON.parse(text) : undefined) as T
}

/** GET /api/peers: every peer this node knows about. */
export async function getPeers(signal?: AbortSignal): Promise<Peer[]> {
  const peers = await request<unknown>('/api/peers', { signal })
  if (!Array.isArray(peers)) throw new ApiError(500, 'Unexpected response from the node')
  return peers as Peer[]
}

/** POST /api/peers/{node_id}/revoke: stop trusting a peer (204 on success, 404 for an unknown node). */
export function revokePeer(nodeId: string): Promise<void> {
  return request<void>(`/api/peers/${encodeURIComponent(nodeId)}/revoke`, { method: 'POST', body: {} })
}

export const api = {
  login: (username: string, password: string) =>
    request<LoginResult>('/api/auth/login', { method: 'POST', body: { username, password } }),
  logout: () => request<void>('/api/auth/logout', { method: 'POST' }),
  authStatus: (signal?: AbortSignal) => request<AuthStatus>('/api/auth/status', { signal }),
  status: (signal?: AbortSignal) => request<NodeStatus>('/api/status', { signal }),
  getPeers,
  revokePeer,
}

/** Human-readable uptime, e.g. "42s", "3m 12s", "2h 5m 9s", "3d 4h 10m". */
export function formatUptime(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds))
  const days = Math.floor(s / 86400)
  const hours = Math.floor((s % 86400) / 3600)
  const minutes = Math.floor((s % 3600) / 60)
  const seconds = s % 60
  if (days > 0) return `${days}d ${hours}h ${minutes}m`
  if (hours > 0) return `${hours}h ${minutes}m ${seconds}s`
  if (minutes > 0) return `${minutes}m ${seconds}s`
  return `${seconds}s`
}

/** Relative time since an ISO timestamp, e.g. "5 s ago", "3 min ago", "2 h ago", "4 d ago"; "—" if unparsable. */
export function formatAgo(iso: string | null | undefined, now: number = Date.now()): string {
  const t = iso ? Date.parse(iso) : Number.NaN
  if (Number.isNaN(t)) return '—'
  return formatSecondsAgo((now - t) / 1000)
}

/** "5 s ago", "3 min ago", "2 h ago", "4 d ago" for a number of elapsed seconds (negative clamps to 0). */
export function formatSecondsAgo(elapsedSeconds: number): string {
  const s = Math.max(0, Math.floor(elapsedSeconds))
  if (s < 60) return `${s} s ago`
  if (s < 3600) return `${Math.floor(s / 60)} min ago`
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`
  return `${Math.floor(s / 86400)} d ago`
}
