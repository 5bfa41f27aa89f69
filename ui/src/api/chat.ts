// POST /api/chat as a stream: the node answers with NDJSON, one ChatStreamEvent a line
// (queued… while every host is busy, start, token…, then done or error).
import { ApiError, send } from './http'
import { ndjsonLines } from './ndjson'
import type { ChatHost, ChatRequest, ChatStreamEvent, KnowledgeSource } from './types'

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const strOrNull = (v: unknown) => (typeof v === 'string' ? v : null)

/**
 * One line of the stream as a typed event; null for a line that is not an event this UI knows
 * (a newer node may send more types). A line that is not JSON is an ApiError.
 */
export function parseChatEvent(line: string): ChatStreamEvent | null {
  let data: unknown
  try {
    data = JSON.parse(line)
  } catch {
    throw new ApiError(0, 'The node sent a malformed reply')
  }
  if (!data || typeof data !== 'object' || !('type' in data)) return null
  const ev = data as Record<string, unknown>
  switch (ev.type) {
    case 'queued':
      return { type: 'queued', position: num(ev.position) ?? 0 }
    case 'start':
      return {
        type: 'start',
        conversation_id: typeof ev.conversation_id === 'string' ? ev.conversation_id : '',
        exchange_id: strOrNull(ev.exchange_id),
        model: strOrNull(ev.model),
        host: ev.host && typeof ev.host === 'object' ? (ev.host as ChatHost) : null,
      }
    case 'token':
      return { type: 'token', content: typeof ev.content === 'string' ? ev.content : '' }
    case 'done':
      return {
        type: 'done',
        response: strOrNull(ev.response),
        latency_ms: num(ev.latency_ms),
        ttft_ms: num(ev.ttft_ms),
        prompt_tokens: num(ev.prompt_tokens),
        eval_count: num(ev.eval_count),
        tokens_per_s: num(ev.tokens_per_s),
        // Only with "knowledge": true (use mesh files).
        ...(Array.isArray(ev.sources) ? { sources: ev.sources as KnowledgeSource[] } : {}),
      }
    case 'error':
      return {
        type: 'error',
        error: typeof ev.error === 'string' && ev.error ? ev.error : 'The answer failed',
        reason: typeof ev.reason === 'string' ? ev.reason : 'host_error',
        host_name: strOrNull(ev.host_name),
        tokens_received: num(ev.tokens_received) ?? 0,
      }
    default:
      return null
  }
}

/**
 * POST /api/chat with `stream: true`: yields the NDJSON events as they arrive.
 * Abort `signal` to stop the generation; the generator then throws an AbortError.
 * A non-2xx answer throws an ApiError carrying the server's message.
 */
export async function* streamChat(body: ChatRequest, signal: AbortSignal): AsyncGenerator<ChatStreamEvent, void, undefined> {
  const res = await send('/api/chat', {
    method: 'POST',
    body: { ...body, stream: true },
    accept: 'application/x-ndjson, application/json',
    signal,
  })
  for await (const line of ndjsonLines(res, signal)) {
    const ev = parseChatEvent(line)
    if (ev) yield ev
  }
}
