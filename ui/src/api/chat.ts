// POST /api/chat as a stream: the node answers with NDJSON, one ChatStreamEvent a line
// (queued… while every host is busy, start, token…, then done or error).
import { ApiError, isAbortError, send } from './http'
import { NdjsonLineSplitter } from './ndjson'
import type { ChatHost, ChatRequest, ChatStreamEvent } from './types'

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
