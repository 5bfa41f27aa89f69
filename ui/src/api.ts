// Typed helpers for the MeshMind node's JSON API (same origin, cookie auth).
import { NdjsonLineSplitter } from './ndjson'

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

/** The node that answered (or is answering) a chat question. */
export interface ChatHost {
  node_id: string
  name: string
  ip: string
  has_llm: boolean
}

/** A node in GET /api/models that serves a model. */
export interface ModelHost {
  node_id: string
  name: string
  local: boolean
  loaded: boolean
}

/** One model of the mesh's catalog (GET /api/models). */
export interface ModelInfo {
  name: string
  hosts: ModelHost[]
}

/** One element of GET /api/conversations (newest first). */
export interface ConversationSummary {
  id: string
  title: string
  updated_at: string
  exchange_count: number
}

/** One question and its answer, as stored in a conversation. */
export interface Exchange {
  id: string
  conversation_id: string
  question: string
  answer: string
  model: string | null
  host: ChatHost | null
  latency_ms: number | null
  prompt_tokens: number | null
  completion_tokens: number | null
  created_at: string
  /** Set when the answer failed or was cut off; the answer is then incomplete. */
  error: string | null
}

/** GET /api/conversations/{id}. */
export interface Conversation {
  id: string
  title: string
  exchanges: Exchange[]
}

/** GET /api/peers/{node_id}/conversations: what a peer has shared over the mesh link. */
export interface PeerHistory {
  node_id: string
  name: string
  updated_at: string
  exchanges: Exchange[]
}

/** A node as GET /api/files names it. */
export interface FileNode {
  node_id: string
  name: string
  address?: string
}

/** One element of GET /api/files (normalised by getFiles: missing fields get their defaults). */
export interface SharedFile {
  name: string
  size: number | null
  sha256: string | null
  content_type: string | null
  /** ISO 8601 */
  modified: string | null
  /** The node that shared the file; null when the node did not say. */
  origin: FileNode | null
  /** Shared by this node (only these can be deleted or pinned). */
  local: boolean
  pinned: boolean
  /** False when no node holding the file is reachable right now. */
  available: boolean
  /** Nodes the file can be fetched from. */
  available_from: FileNode[]
  /** Node ids holding a replica of this pinned file (not counting its origin). */
  replicas: string[]
  /** Same-origin URL that downloads the file (for a peer's file, a proxy route of this node). */
  download_url: string
}

/** 201 body of POST /api/upload. */
export interface UploadedFile {
  name: string
  size: number
  sha256: string
  content_type: string
  modified: string
}

/** Body of POST /api/chat (the client always asks for a stream). */
export interface ChatRequest {
  message: string
  model?: string
  conversation_id?: string
  filename?: string
}

/** One line of the POST /api/chat NDJSON stream. */
export type ChatStreamEvent =
  | { type: 'start'; conversation_id: string; model: string | null; host: ChatHost | null }
  | { type: 'token'; content: string }
  | {
      type: 'done'
      response: string | null
      latency_ms: number | null
      ttft_ms: number | null
      eval_count: number | null
      tokens_per_s: number | null
    }
  | { type: 'error'; error: string }

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

/** Reads a failed response's `{"error": "..."}` body into an ApiError (and reports a 401 on a non-auth path). */
async function errorFromResponse(res: Response, path: string): Promise<ApiError> {
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
  return new ApiError(res.status, message, parseRetryAfter(res.headers.get('Retry-After')))
}

/** True for the DOMException fetch throws when its AbortSignal fires. */
export function isAbortError(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError'
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
    if (isAbortError(err)) throw err
    throw new ApiError(0, 'Could not reach the node')
  }

  if (!res.ok) throw await errorFromResponse(res, path)

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

/** GET /api/models: every model some node of the mesh serves (empty: no LLM anywhere). */
export async function getModels(signal?: AbortSignal): Promise<ModelInfo[]> {
  const data = await request<{ models?: unknown }>('/api/models', { signal })
  if (!data || !Array.isArray(data.models)) throw new ApiError(500, 'Unexpected response from the node')
  return data.models as ModelInfo[]
}

/** GET /api/conversations: this node's conversations, newest first. */
export async function getConversations(signal?: AbortSignal): Promise<ConversationSummary[]> {
  const data = await request<{ conversations?: unknown }>('/api/conversations', { signal })
  if (!data || !Array.isArray(data.conversations)) throw new ApiError(500, 'Unexpected response from the node')
  return data.conversations as ConversationSummary[]
}

/** GET /api/conversations/{id}: one conversation with its exchanges. */
export async function getConversation(id: string, signal?: AbortSignal): Promise<Conversation> {
  const data = await request<Conversation>(`/api/conversations/${encodeURIComponent(id)}`, { signal })
  if (!data || !Array.isArray(data.exchanges)) throw new ApiError(500, 'Unexpected response from the node')
  return data
}

/** GET /api/peers/{node_id}/conversations; null when nothing has been received from that peer yet (404). */
export async function getPeerHistory(nodeId: string, signal?: AbortSignal): Promise<PeerHistory | null> {
  try {
    const data = await request<PeerHistory>(`/api/peers/${encodeURIComponent(nodeId)}/conversations`, { signal })
    if (!data || !Array.isArray(data.exchanges)) throw new ApiError(500, 'Unexpected response from the node')
    return data
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null
    throw err
  }
}

/** Path of a shared file's own resource, e.g. `/api/files/my%20notes.txt`. */
export function filePath(name: string): string {
  return `/api/files/${encodeURIComponent(name)}`
}

function fileNode(value: unknown): FileNode | null {
  if (!value || typeof value !== 'object') return null
  const v = value as Record<string, unknown>
  if (typeof v.node_id !== 'string') return null
  return {
    node_id: v.node_id,
    name: typeof v.name === 'string' ? v.name : '',
    address: typeof v.address === 'string' ? v.address : undefined,
  }
}

function sharedFile(value: unknown): SharedFile | null {
  if (!value || typeof value !== 'object') return null
  const v = value as Record<string, unknown>
  if (typeof v.name !== 'string' || v.name === '') return null
  const str = (x: unknown) => (typeof x === 'string' && x !== '' ? x : null)
  return {
    name: v.name,
    size: typeof v.size === 'number' && Number.isFinite(v.size) ? v.size : null,
    sha256: str(v.sha256),
    content_type: str(v.content_type),
    modified: str(v.modified),
    origin: fileNode(v.origin),
    local: v.local === true,
    pinned: v.pinned === true,
    available: v.available !== false,
    available_from: Array.isArray(v.available_from)
      ? v.available_from.map(fileNode).filter((n): n is FileNode => n != null)
      : [],
    replicas: Array.isArray(v.replicas) ? v.replicas.filter((id): id is string => typeof id === 'string') : [],
    download_url: str(v.download_url) ?? filePath(v.name),
  }
}

/** GET /api/files: the mesh's shared files; empty when there are none or the node does not offer the endpoint (404). */
export async function getFiles(signal?: AbortSignal): Promise<SharedFile[]> {
  try {
    const data = await request<{ files?: unknown }>('/api/files', { signal })
    if (!data || !Array.isArray(data.files)) throw new ApiError(500, 'Unexpected response from the node')
    return data.files.map(sharedFile).filter((f): f is SharedFile => f != null)
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return []
    throw err
  }
}

/** DELETE /api/files/{name}: stop sharing one of this node's files (204). */
export function deleteFile(name: string): Promise<void> {
  return request<void>(filePath(name), { method: 'DELETE' })
}

/** POST (pin) or DELETE (unpin) /api/files/{name}/pin. */
/** Answer of POST/DELETE /api/files/{name}/pin: the live peers asked, and which keep a replica, declined or have not answered yet. */
export interface PinResult {
  name: string
  sha256: string
  pinned: boolean
  peers: number
  accepted: string[]
  declined: { node_id: string; reason: string }[]
  pending: string[]
}

export async function setFilePinned(name: string, pinned: boolean): Promise<PinResult> {
  return await request<PinResult>(`${filePath(name)}/pin`, pinned ? { method: 'POST', body: {} } : { method: 'DELETE' })
}

/** An upload in flight: settles with the stored file, an ApiError, or an AbortError after `abort()`. */
export interface Upload {
  result: Promise<UploadedFile>
  abort: () => void
}

/** Upload progress: bytes of the request body sent so far, of `total`. `done` once the body is sent (the node is still storing it). */
export type UploadProgress = (sent: number, total: number, done: boolean) => void

/**
 * POST /api/upload (multipart field `file`). XMLHttpRequest rather than fetch, because only XHR
 * reports upload progress.
 */
export function uploadFile(file: File, onProgress?: UploadProgress): Upload {
  const path = '/api/upload'
  const xhr = new XMLHttpRequest()
  const result = new Promise<UploadedFile>((resolve, reject) => {
    xhr.open('POST', path)
    xhr.responseType = 'text'
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size, false)
    xhr.upload.onload = () => onProgress?.(1, 1, true)
    xhr.onabort = () => reject(new DOMException('The upload was cancelled', 'AbortError'))
    xhr.onerror = () => reject(new ApiError(0, 'The upload was interrupted: the connection to the node was lost'))
    xhr.onload = () => {
      let data: unknown = null
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null
      } catch {
        // not JSON: handled below
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        if (data && typeof data === 'object' && typeof (data as UploadedFile).name === 'string') resolve(data as UploadedFile)
        else reject(new ApiError(xhr.status, 'Unexpected response from the node'))
        return
      }
      let message = xhr.statusText || `Upload failed (${xhr.status})`
      if (data && typeof data === 'object' && 'error' in data && typeof data.error === 'string') message = data.error
      if (xhr.status === 401) unauthorizedHandler?.()
      reject(new ApiError(xhr.status, message, parseRetryAfter(xhr.getResponseHeader('Retry-After'))))
    }
    const form = new FormData()
    form.append('file', file, file.name)
    xhr.send(form)
  })
  return { result, abort: () => xhr.abort() }
}

function parseChatEvent(line: string): ChatStreamEvent | null {
  let data: unknown
  try {
    data = JSON.parse(line)
  } catch {
    throw new ApiError(0, 'The node sent a malformed reply')
  }
  if (!data || typeof data !== 'object' || !('type' in data)) return null
  const ev = data as Record<string, unknown>
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null)
  switch (ev.type) {
    case 'start':
      return {
        type: 'start',
        conversation_id: typeof ev.conversation_id === 'string' ? ev.conversation_id : '',
        model: typeof ev.model === 'string' ? ev.model : null,
        host: ev.host && typeof ev.host === 'object' ? (ev.host as ChatHost) : null,
      }
    case 'token':
      return { type: 'token', content: typeof ev.content === 'string' ? ev.content : '' }
    case 'done':
      return {
        type: 'done',
        response: typeof ev.response === 'string' ? ev.response : null,
        latency_ms: num(ev.latency_ms),
        ttft_ms: num(ev.ttft_ms),
        eval_count: num(ev.eval_count),
        tokens_per_s: num(ev.tokens_per_s),
      }
    case 'error':
      return { type: 'error', error: typeof ev.error === 'string' && ev.error ? ev.error : 'The answer failed' }
    default:
      return null // a newer node may send event types this UI does not know yet
  }
}

/**
 * POST /api/chat with `stream: true`: yields the NDJSON events as they arrive.
 * Abort `signal` to stop the generation; the generator then throws an AbortError.
 * A non-2xx answer throws an ApiError carrying the server's message.
 */
export async function* streamChat(body: ChatRequest, signal: AbortSignal): AsyncGenerator<ChatStreamEvent, void, undefined> {
  const path = '/api/chat'
  let res: Response
  try {
    res = await fetch(path, {
      method: 'POST',
      headers: { Accept: 'application/x-ndjson, application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...body, stream: true }),
      credentials: 'same-origin',
      signal,
    })
  } catch (err) {
    if (isAbortError(err)) throw err
    throw new ApiError(0, 'Could not reach the node')
  }
  if (!res.ok) throw await errorFromResponse(res, path)
  if (!res.body) throw new ApiError(0, 'The node sent an empty reply')

  const reader = res.body.getReader()
  const decoder = new TextDecoder()
  const lines = new NdjsonLineSplitter()
  let finished = false
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>
      try {
        chunk = await reader.read()
      } catch (err) {
        if (isAbortError(err) || signal.aborted) throw err
        throw new ApiError(0, 'The connection to the node was lost')
      }
      const batch = chunk.done
        ? [...lines.push(decoder.decode()), ...lines.end()]
        : lines.push(decoder.decode(chunk.value, { stream: true }))
      for (const line of batch) {
        const ev = parseChatEvent(line)
        if (ev) yield ev
      }
      if (chunk.done) {
        finished = true
        return
      }
    }
  } finally {
    // Stopped early (abort, or the consumer broke out of the loop): release the connection.
    if (!finished) reader.cancel().catch(() => {})
  }
}

export const api = {
  login: (username: string, password: string) =>
    request<LoginResult>('/api/auth/login', { method: 'POST', body: { username, password } }),
  logout: () => request<void>('/api/auth/logout', { method: 'POST' }),
  authStatus: (signal?: AbortSignal) => request<AuthStatus>('/api/auth/status', { signal }),
  status: (signal?: AbortSignal) => request<NodeStatus>('/api/status', { signal }),
  getPeers,
  revokePeer,
  getModels,
  getConversations,
  getConversation,
  getPeerHistory,
  getFiles,
  deleteFile,
  setFilePinned,
  uploadFile,
  streamChat,
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

/** Display name of a peer: its name, or the start of its node id when it has none. */
export function peerDisplayName(p: { name?: string | null; node_id: string }): string {
  return p.name?.trim() || p.node_id.slice(0, 12)
}

/** Local date and time of an ISO timestamp (for tooltips); undefined if unparsable. */
export function formatTimestamp(iso: string | null | undefined): string | undefined {
  const t = iso ? Date.parse(iso) : Number.NaN
  return Number.isNaN(t) ? undefined : new Date(t).toLocaleString()
}

/** A duration in milliseconds: "850 ms", "1.2 s", "14 s"; "—" when unknown. */
export function formatMs(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = ms / 1000
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`
}

/** A byte count: "512 B", "3.4 KB", "12 MB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes) || bytes < 0) return ''
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let v = bytes / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`
}
