// Every type of the node's HTTP API, in one module. They are the node's own: generated from its OpenAPI
// document (src/api/openapi.json, kept equal to what the node serves by a .NET test) into
// src/api/schema.d.ts by `npm run gen:api`, which runs before dev, build and typecheck. The schema names
// are the C# types; the aliases keep the UI's names. Where the UI normalises what the node sent (the
// chat stream, the file list), the normalised type is derived from the node's, so a field renamed in
// C# fails the UI's type check instead of reading undefined.
import type { components } from './schema'

type Schemas = components['schemas']

/** `T` with the fields `K` set to null where the node left them out or sent something else. */
type Tolerant<T, K extends keyof T> = Omit<T, K> & { [P in K]: T[P] | null }

// ---------------------------------------------------------------------------------------------
// Auth: /api/auth/*

/** GET /api/auth/status. `method` is how the request was authenticated ("cookie", "api_key"). */
export type AuthStatus = Schemas['AuthStatusResponse']

/** 200 body of POST /api/auth/login; `expires_at` is when the session ends. */
export type LoginResult = Schemas['LoginResponse']

// ---------------------------------------------------------------------------------------------
// Node: /api/status

/** GET /api/status. `duplicate_node_id`: another node on the network uses this node's id. */
export type NodeStatus = Schemas['StatusResponse']

// ---------------------------------------------------------------------------------------------
// Peers: /api/peers

export type LinkState = Schemas['LinkState']

/** One element of GET /api/peers. `rtt_ms` is null while the link is not up. */
export type Peer = Schemas['PeerResponse']

// ---------------------------------------------------------------------------------------------
// Invites and the mesh secret: /api/invites, /api/mesh/join, /api/mesh/secret

/** 201 body of POST /api/invites: a single-use code and when it stops working. */
export type Invite = Schemas['CreatedInviteResponse']

/** 200 body of POST /api/mesh/join: the inviting node, now dialled at `address`. */
export type JoinedMesh = Schemas['JoinMeshResponse']

/** GET /api/mesh/secret: whether this node can rotate its secret, and a running rotation's end. */
export type MeshSecret = Schemas['MeshSecretResponse']

/** 200 body of POST /api/mesh/secret/rotate. */
export type SecretRotation = Schemas['SecretRotationResponse']

// ---------------------------------------------------------------------------------------------
// Models: /api/models

/** A node that has a model: `local` is this node, `loaded` in its memory now. */
export type ModelNode = Schemas['MeshModelNode']

/**
 * One element of GET /api/models: a model by name and digest (the same name with other content on another node is another
 * element), its size and details, and the nodes that have it.
 */
export type ModelEntry = Schemas['MeshModel']

/** A model by name only, with every node that has it (what the chat's model picker offers). */
export interface ModelInfo {
  name: string
  nodes: ModelNode[]
}

/** One NDJSON line of POST /api/models/pull: `status` with `completed`/`total` of a layer, `{status: "success"}`, or `{error}`. */
export type ModelProgressLine = Schemas['ModelProgressLine']

// ---------------------------------------------------------------------------------------------
// Conversations: /api/conversations, /api/peers/{node_id}/conversations

/** The node that answered (or is answering) a chat question. */
export type ChatHost = Schemas['ExchangeHost']

/** One element of GET /api/conversations (newest first). */
export type ConversationSummary = Schemas['ConversationSummary']

/**
 * One question and its answer, as stored. `completion_tokens` is what the streamed `done` event calls
 * `eval_count`; `error` is set when the answer failed or was cut off.
 */
export type Exchange = Schemas['Exchange']

/** GET /api/conversations/{id}. */
export type Conversation = Schemas['ConversationDetail']

/** Body of PATCH /api/conversations/{id}: only the fields sent change; null clears a setting. */
export type ConversationUpdate = Partial<Schemas['ConversationUpdate']>

/** A conversation's generation settings (null: the host's default). */
export type ConversationSettings = Schemas['ConversationSettings']

/** 201 body of POST /api/peers/{node_id}/conversations/{id}/copy. */
export type ConversationCopy = Schemas['ConversationCopy']

/** GET /api/peers/{node_id}/conversations: what a peer has shared over the mesh link. */
export type PeerHistory = Schemas['NodeHistory']

// ---------------------------------------------------------------------------------------------
// Search: GET /api/search

/** One hit: the node whose file it is, the file, the words around the match (matches in <mark>…</mark>, plain text otherwise). */
export type SearchHit = Schemas['SearchHit']

/** GET /api/search: hits best first, and the node ids of peers that were not searched in time. */
export type SearchResult = Schemas['SearchResponse']

/** An excerpt a chat with mesh files gave the model, numbered as the answer cites it ([1] is `number` 1). */
export type KnowledgeSource = Schemas['KnowledgeSource']

// ---------------------------------------------------------------------------------------------
// Chat: POST /api/chat

/** Body of POST /api/chat; api/chat.ts always adds `stream: true`. */
export type ChatRequest = Omit<Schemas['ChatApiRequest'], 'stream'>

/** One line of the POST /api/chat NDJSON stream as the node sends it, told apart by `type`. */
export type ChatEvent = Schemas['ChatEvent']

type ChatEventOf<T extends ChatEvent['type']> = Extract<ChatEvent, { type: T }>

/**
 * A chat stream line as api/chat.ts hands it on: the node's event, with a field a node left out or
 * mistyped set to null (in `done`, `eval_count` is the answer's tokens and `tokens_per_s` its speed).
 */
export type ChatStreamEvent =
  | ChatEventOf<'queued'>
  | Tolerant<ChatEventOf<'start'>, 'exchange_id' | 'model' | 'host'>
  | ChatEventOf<'token'>
  | Tolerant<ChatEventOf<'done'>, 'response' | 'latency_ms' | 'ttft_ms' | 'prompt_tokens' | 'eval_count' | 'tokens_per_s'>
  | ChatEventOf<'error'>

// ---------------------------------------------------------------------------------------------
// Files: /api/files, /api/upload

/** A node as the file list names it: `origin` has an `address`, `available_from` entries do not. */
export type FileNode = Schemas['FileSource'] & Partial<Pick<Schemas['FileOrigin'], 'address'>>

/** One element of GET /api/files → `{ files: FileEntry[] }`, as the node sends it. */
export type FileEntry = Schemas['FileEntry']

/**
 * A file list entry as api/files.ts hands it on: a field the node left out gets its default (null,
 * false, []). `local`: shared by this node (only these can be deleted or pinned); `available`: some
 * node holding it is reachable now; `replicas`: node ids holding a copy of this pinned file;
 * `download_url`: a same-origin URL (for a peer's file, a proxy route of this node).
 */
export type SharedFile = Omit<Tolerant<FileEntry, 'size' | 'sha256' | 'content_type' | 'modified'>, 'origin' | 'available_from'> & {
  origin: FileNode | null
  available_from: FileNode[]
}

/** 201 body of POST /api/upload. */
export type UploadedFile = Schemas['UploadResponse']

/**
 * Answer of POST/DELETE /api/files/{name}/pin: the live peers asked, and which keep a replica,
 * declined or have not answered yet.
 */
export type PinResult = Schemas['PinResponse']

// ---------------------------------------------------------------------------------------------
// Analytics: GET /api/analytics/{perf,chat,files,engagement,network}?range=…

/** Latency (ms) or speed (tokens/s) statistics; all 0 when count is 0. */
export type Stats = Schemas['ValueStats']

/** What every analytics response starts with: `from` and `to` in Unix ms, the width of each *_over_time point. */
export type AnalyticsWindow = Pick<Schemas['PerfResponse'], 'range' | 'from' | 'to' | 'bucket_seconds'>

export type RouteStats = Schemas['RouteStats']

/** A route's statistics for calls to another node (`target`) or the LLM backend. */
export type CallStats = Schemas['CallStats']

/** A type alias of an object type, so time buckets fit charts' `Record<string, number>` points. */
export type LatencyPoint = Schemas['LatencyPoint']

/** GET /api/analytics/perf. */
export type PerfAnalytics = Schemas['PerfResponse']

/** GET /api/analytics/chat. */
export type ChatAnalytics = Schemas['ChatAnalyticsResponse']

export type Traffic = Schemas['CountBytes']

/** GET /api/analytics/files. */
export type FilesAnalytics = Schemas['FilesAnalyticsResponse']

/** GET /api/analytics/engagement. */
export type EngagementAnalytics = Schemas['EngagementResponse']

/** GET /api/analytics/network. */
export type NetworkAnalytics = Schemas['NetworkAnalyticsResponse']

// ---------------------------------------------------------------------------------------------
// Diagnostics and static peers: /api/diagnostics, /api/static-peers

/** One finding of GET /api/diagnostics: `level` (error, warning, info, ok), a stable `code`, what is wrong and how to fix it. */
export type Finding = Schemas['Finding']

export type FindingLevel = Schemas['FindingLevel']

/** One element of GET /api/static-peers: a peer dialled by address; `configured` ones come from --peer and cannot be removed here. */
export type StaticPeer = Schemas['StaticPeerResponse']

// ---------------------------------------------------------------------------------------------
// Settings: /api/settings, /api/keys, /api/auth/password

/** GET /api/settings: each setting as the node uses it now, as saved, and whether a restart or a flag stands in the way. */
export type NodeSettings = Schemas['SettingsResponse']

export type SettingValue = Schemas['SettingValue']

/** Body of PUT /api/settings: fields left out stay as they are. */
export type SettingsUpdate = Schemas['SettingsUpdate']
/** /api/me/preferences: the signed-in user's own choices. */
export type UserPreferences = Schemas['UserPreferencesBody']

/** One element of GET /api/keys (the key itself is never shown again). */
export type ApiKey = Schemas['ApiKeyResponse']

/** 201 body of POST /api/keys: `key` is shown this once. */
export type CreatedApiKey = Schemas['CreatedApiKeyResponse']

// ---------------------------------------------------------------------------------------------
// Evaluations: /api/evaluations (the Evaluate screen)

/** One run of `meshmind eval` started from this node: its state, eval's phase and progress, and whether its report is there. */
export type EvaluationRun = Schemas['EvaluationResponse']
