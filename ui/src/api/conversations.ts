// Saved conversations: this node's own (/api/conversations) and those peers shared over the mesh
// link (/api/peers/{node_id}/conversations).
import { ApiError, request, unexpectedResponse } from './http'
import type { Conversation, ConversationCopy, ConversationSummary, ConversationUpdate, PeerHistory } from './types'

/** GET /api/conversations: this node's conversations, newest first. */
export async function getConversations(signal?: AbortSignal): Promise<ConversationSummary[]> {
  const data = await request<{ conversations?: unknown }>('/api/conversations', { signal })
  if (!data || !Array.isArray(data.conversations)) throw unexpectedResponse()
  return data.conversations as ConversationSummary[]
}

/** GET /api/conversations?q=: conversations whose title, questions or answers contain `query`, each with a `snippet`. */
export async function searchConversations(query: string, signal?: AbortSignal): Promise<ConversationSummary[]> {
  const data = await request<{ conversations?: unknown }>(`/api/conversations?q=${encodeURIComponent(query)}`, { signal })
  if (!data || !Array.isArray(data.conversations)) throw unexpectedResponse()
  return data.conversations as ConversationSummary[]
}

/** PATCH /api/conversations/{id}: rename, or change its settings (a field sent as null clears it). */
export async function updateConversation(id: string, update: ConversationUpdate): Promise<void> {
  await request<void>(`/api/conversations/${encodeURIComponent(id)}`, { method: 'PATCH', body: update })
}

/** DELETE /api/conversations/{id}; `keepalive` lets it finish while the page unloads. */
export async function deleteConversation(id: string, keepalive = false): Promise<void> {
  await request<void>(`/api/conversations/${encodeURIComponent(id)}`, { method: 'DELETE', keepalive })
}

/** POST /api/peers/{node_id}/conversations/{id}/copy: a peer's conversation copied here, to continue it. */
export async function copyPeerConversation(nodeId: string, conversationId: string): Promise<ConversationCopy> {
  const data = await request<ConversationCopy>(
    `/api/peers/${encodeURIComponent(nodeId)}/conversations/${encodeURIComponent(conversationId)}/copy`,
    { method: 'POST' },
  )
  if (!data || typeof data.id !== 'string') throw unexpectedResponse()
  return data
}

/** GET /api/conversations/{id}: one conversation with its exchanges. */
export async function getConversation(id: string, signal?: AbortSignal): Promise<Conversation> {
  const data = await request<Conversation>(`/api/conversations/${encodeURIComponent(id)}`, { signal })
  if (!data || !Array.isArray(data.exchanges)) throw unexpectedResponse()
  return data
}

/** GET /api/peers/{node_id}/conversations; null when nothing has been received from that peer yet (404). */
export async function getPeerHistory(nodeId: string, signal?: AbortSignal): Promise<PeerHistory | null> {
  try {
    const data = await request<PeerHistory>(`/api/peers/${encodeURIComponent(nodeId)}/conversations`, { signal })
    if (!data || !Array.isArray(data.exchanges)) throw unexpectedResponse()
    return data
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null
    throw err
  }
}
