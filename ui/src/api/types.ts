// Every type of the node's HTTP API, in one module, with the field names the node sends (snake_case).
// This module is meant to be replaced by types generated from the node's OpenAPI document, so it holds
// types only (no code) and every other module imports API types from here. Each type names the C#
// record it mirrors, which is the name the generated schema will use.

// ---------------------------------------------------------------------------------------------
// Auth: /api/auth/*

/** GET /api/auth/status. C#: AuthStatusResponse. */
export interface AuthStatus {
  authenticated: boolean
  username: string | null
  /** How the request was authenticated ("cookie", "api_key"), null when it was not. */
  method?: string | null
}

/** 200 body of POST /api/auth/login. C#: LoginResponse. */
export interface LoginResult {
  username: string
  /** ISO 8601: when the session cookie expires. */
  expires_at?: string
}

// ---------------------------------------------------------------------------------------------
// Node: /api/status

/** GET /api/status. C#: StatusResponse. */
export interface NodeStatus {
  is_llm_host: boolean
  peer_count: number
  /** 64 hex chars */
  node_id: string
  name: string
  version: string
  uptime_s: number
  /** Another node on the network uses this node's id. */
  duplicate_node_id?: boolean
}

// ---------------------------------------------------------------------------------------------
// Peers: /api/peers

/** C#: LinkState, sent lowercase. */
export type LinkState = 'up' | 'connecting' | 'down'

/** One element of GET /api/peers. C#: PeerResponse. */
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

// ---------------------------------------------------------------------------------------------
// Models: /api/models

/** A node in GET /api/models that serves a model. C#: CatalogHost. */
export interface ModelHost {
  node_id: string
  name: string
  local: boolean
  loaded: boolean
}

/** One model of the mesh's catalog (GET /api/models → `{ models: ModelInfo[] }`). C#: CatalogModel. */
export interface ModelInfo {
  name: string
  hosts: ModelHost[]
}

// ---------------------------------------------------------------------------------------------
// Conversations: /api/conversations, /api/peers/{node_id}/conversations

/** The node that answered (or is answering) a chat question. C#: ExchangeHost. */
export interface ChatHost {
  node_id: string
  name: string
  ip: string
  has_llm: boolean
}

/** One element of GET /api/conversations (newest first). C#: ConversationSummary. */
export interface ConversationSummary {
  id: string
  title: string
  updated_at: string
  exchange_count: number
}

/** One question and its answer, as stored in a conversation. C#: Exchange. */
export interface Exchange {
  id: string
  conversation_id: string
  question: string
  answer: string
  model: string | null
  host: ChatHost | null
  latency_ms: number | null
  /** Time to the first token; null when the answer came without a stream. */
  ttft_ms?: number | null
  prompt_tokens: number | null
  /** Tokens of the answer. The streamed `done` event calls the same count `eval_count`. */
  completion_tokens: number | null
  created_at: string
  /** Set when the answer failed or was cut off; the answer is then incomplete. */
  error: string | null
}

/** GET /api/conversations/{id}. C#: ConversationDetail. */
export interface Conversation {
  id: string
  title: string
  created_at?: string
  updated_at?: string
  exchanges: Exchange[]
}

/** GET /api/peers/{node_id}/conversations: what a peer has shared over the mesh link. C#: NodeHistory. */
export interface PeerHistory {
  node_id: string
  name: string
  /** When the history was last received; null when the node does not know. */
  updated_at: string | null
  exchanges: Exchange[]
}

// ---------------------------------------------------------------------------------------------
// Chat: POST /api/chat

/** Body of POST /api/chat (the client always asks for a stream). C#: ChatApiRequest. */
export interface ChatRequest {
  message: string
  model?: string
  conversation_id?: string
  filename?: string
}

/**
 * One line of the POST /api/chat NDJSON stream. C#: ChatEvent (ChatStartEvent, ChatTokenEvent,
 * ChatDoneEvent, ChatErrorEvent), told apart by `type`. Nullable where the UI tolerates a field the
 * node left out (see api/chat.ts, which normalises each line into this shape).
 */
export type ChatStreamEvent =
  | { type: 'start'; conversation_id: string; exchange_id: string | null; model: string | null; host: ChatHost | null }
  | { type: 'token'; content: string }
  | {
      type: 'done'
      response: string | null
      latency_ms: number | null
      ttft_ms: number | null
      prompt_tokens: number | null
      /** Tokens of the answer: what a saved Exchange calls `completion_tokens`. */
      eval_count: number | null
      tokens_per_s: number | null
    }
  | { type: 'error'; error: string }

// ---------------------------------------------------------------------------------------------
// Files: /api/files, /api/upload

/**
 * A node as GET /api/files names it. C#: FileOrigin (`origin`, with `address`) and FileSource
 * (`available_from`, without).
 */
export interface FileNode {
  node_id: string
  name: string
  address?: string
}

/**
 * One element of GET /api/files → `{ files: SharedFile[] }`. C#: FileEntry. This is the shape after
 * api/files.ts normalised it: a field the node left out gets its default (null, false, []).
 */
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

/** 201 body of POST /api/upload. C#: UploadResponse. */
export interface UploadedFile {
  name: string
  size: number
  sha256: string
  content_type: string
  modified: string
}

/**
 * Answer of POST/DELETE /api/files/{name}/pin: the live peers asked, and which keep a replica,
 * declined or have not answered yet. C#: PinResponse (declined: PinDecline).
 */
export interface PinResult {
  name: string
  sha256: string
  pinned: boolean
  peers: number
  accepted: string[]
  declined: { node_id: string; reason: string }[]
  pending: string[]
}

// ---------------------------------------------------------------------------------------------
// Analytics: GET /api/analytics/{perf,chat,files,engagement,network}?range=…

/** Latency (ms) or speed (tokens/s) statistics; all 0 when count is 0. C#: ValueStats. */
export interface Stats {
  count: number
  mean: number
  p50: number
  p95: number
  p99: number
  max: number
}

/** What every analytics response starts with. */
export interface AnalyticsWindow {
  range: string
  /** Unix milliseconds. */
  from: number
  to: number
  /** Width of each point of the *_over_time series. */
  bucket_seconds: number
}

/** C#: RouteStats. */
export interface RouteStats {
  route: string
  count: number
  errors: number
  client_errors: number
  latency_ms: Stats
  bytes_in: number
  bytes_out: number
}

/** C#: CallStats. */
export interface CallStats extends RouteStats {
  target: string
}

/**
 * C#: LatencyPoint. A type, not an interface: time buckets must fit charts' `Record<string, number>`
 * points.
 */
export type LatencyPoint = {
  t: number
  count: number
  p50: number
  p95: number
  p99: number
}

/** GET /api/analytics/perf. C#: PerfResponse. */
export interface PerfAnalytics extends AnalyticsWindow {
  routes: RouteStats[]
  calls: CallStats[]
  latency_over_time: LatencyPoint[]
}

/** GET /api/analytics/chat. C#: ChatAnalyticsResponse (ModelCount, HostCount, CountPoint, ReasonCount). */
export interface ChatAnalytics extends AnalyticsWindow {
  total: number
  errors: number
  failovers: number
  by_model: { model: string; count: number; errors: number }[]
  by_host: { node_id: string; name: string; local: boolean; count: number }[]
  over_time: { t: number; count: number; errors: number }[]
  ttft_ms: Stats
  tokens_per_second: Stats
  errors_by_reason: { reason: string; count: number }[]
}

/** C#: CountBytes. */
export interface Traffic {
  count: number
  bytes: number
}

/** GET /api/analytics/files. C#: FilesAnalyticsResponse (NodeFileBytes, FilesPoint). */
export interface FilesAnalytics extends AnalyticsWindow {
  uploads: Traffic
  downloads: Traffic
  proxied: Traffic
  served_to_peers: Traffic
  by_node: { node_id: string; name: string; proxied_bytes: number; served_bytes: number }[]
  over_time: {
    t: number
    uploads: number
    upload_bytes: number
    downloads: number
    download_bytes: number
    proxied_bytes: number
  }[]
}

/** GET /api/analytics/engagement. C#: EngagementResponse (TimeCount). */
export interface EngagementAnalytics extends AnalyticsWindow {
  messages: number
  active_conversations: number
  logins: number
  failed_logins: number
  messages_per_hour: { t: number; count: number }[]
  messages_per_day: { t: number; count: number }[]
}

/** GET /api/analytics/network. C#: NetworkAnalyticsResponse (PeersPoint, LinkRtt, DiscoveryTotals, ChannelBytes, BytesPoint). */
export interface NetworkAnalytics extends AnalyticsWindow {
  peers_now: number
  links_up: number
  peers_over_time: { t: number; peers: number }[]
  link_rtt_ms: { node_id: string; name: string; rtt: Stats }[]
  discovery: { sent: number; received: number; dropped: { reason: string; count: number }[] }
  bytes: { channel: string; in: number; out: number }[]
  bytes_over_time: { t: number; discovery: number; links: number; proxy: number }[]
}
