import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseChatEvent, streamChat } from './chat'
import { ApiError, onUnauthorized } from './http'
import type { ChatStreamEvent } from './types'

/** A fetch stub that answers with `chunks` as the body, each chunk read separately. */
function stubStream(chunks: (string | Uint8Array)[], init: ResponseInit = { status: 200 }) {
  const encoder = new TextEncoder()
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(typeof c === 'string' ? encoder.encode(c) : c)
      controller.close()
    },
  })
  const fetch = vi.fn(async () => new Response(body, init))
  vi.stubGlobal('fetch', fetch)
  return fetch
}

async function collect(events: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const out: ChatStreamEvent[] = []
  for await (const ev of events) out.push(ev)
  return out
}

describe('parseChatEvent', () => {
  it('reads the start event, with its host', () => {
    const host = { node_id: 'n1', name: 'gpu-box', ip: '127.0.0.2', has_llm: true }
    expect(
      parseChatEvent(JSON.stringify({ type: 'start', conversation_id: 'c1', exchange_id: 'e1', model: 'llama3', host })),
    ).toEqual({ type: 'start', conversation_id: 'c1', exchange_id: 'e1', model: 'llama3', host })
  })

  it('reads the queued event (the place in line while every host is busy)', () => {
    expect(parseChatEvent('{"type":"queued","position":3}')).toEqual({ type: 'queued', position: 3 })
    expect(parseChatEvent('{"type":"queued"}')).toEqual({ type: 'queued', position: 0 })
  })

  it('reads the done event the node sends (eval_count, not completion_tokens)', () => {
    const line =
      '{"type":"done","response":"Hi","latency_ms":812.5,"ttft_ms":95.1,"prompt_tokens":12,"eval_count":34,"tokens_per_s":41.8}'
    expect(parseChatEvent(line)).toEqual({
      type: 'done',
      response: 'Hi',
      latency_ms: 812.5,
      ttft_ms: 95.1,
      prompt_tokens: 12,
      eval_count: 34,
      tokens_per_s: 41.8,
    })
  })

  it('keeps the sources of an answer that used mesh files', () => {
    const source = { number: 1, node_id: 'n1', node: 'alpha', file: 'q3.md', snippet: '<mark>churn</mark>', download_url: '/api/files/q3.md' }
    const ev = parseChatEvent(JSON.stringify({ type: 'done', response: 'It fell [1].', sources: [source] }))
    expect(ev?.type === 'done' && ev.sources).toEqual([source])
  })

  it('turns missing or mistyped fields into null', () => {
    expect(parseChatEvent('{"type":"done","tokens_per_s":null,"eval_count":"34"}')).toEqual({
      type: 'done',
      response: null,
      latency_ms: null,
      ttft_ms: null,
      prompt_tokens: null,
      eval_count: null,
      tokens_per_s: null,
    })
    expect(parseChatEvent('{"type":"start"}')).toEqual({
      type: 'start',
      conversation_id: '',
      exchange_id: null,
      model: null,
      host: null,
    })
  })

  it('gives an error event a message and a reason even when the node sent none (an older node)', () => {
    const older = { reason: 'host_error', host_name: null, tokens_received: 0 }
    expect(parseChatEvent('{"type":"error","error":"model not found"}')).toEqual({ type: 'error', error: 'model not found', ...older })
    expect(parseChatEvent('{"type":"error","error":""}')).toEqual({ type: 'error', error: 'The answer failed', ...older })
  })

  it('reads who was answering and how much came from an error event', () => {
    expect(
      parseChatEvent('{"type":"error","error":"stopped: gpu-box went away after 214 tokens","reason":"host_lost","host_name":"gpu-box","tokens_received":214}'),
    ).toEqual({
      type: 'error',
      error: 'stopped: gpu-box went away after 214 tokens',
      reason: 'host_lost',
      host_name: 'gpu-box',
      tokens_received: 214,
    })
  })

  it('skips an event type it does not know, and a line without a type', () => {
    expect(parseChatEvent('{"type":"thinking","content":"hm"}')).toBeNull()
    expect(parseChatEvent('{"content":"hm"}')).toBeNull()
    expect(parseChatEvent('null')).toBeNull()
  })

  it('throws an ApiError for a line that is not JSON', () => {
    expect(() => parseChatEvent('{"type":"tok')).toThrow(ApiError)
  })
})

describe('streamChat', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('yields the events of a stream cut mid-line and mid-character', async () => {
    const e = new TextEncoder().encode('{"type":"token","content":"é"}\n')
    const cut = e.indexOf(0xc3) + 1 // inside the two bytes of "é"
    const fetch = stubStream([
      '{"type":"start","conversation_id":"c1","model":"llama3","host":null}\n{"type":"tok',
      'en","content":"Hel"}\n',
      e.slice(0, cut),
      e.slice(cut),
      '{"type":"done","response":"Helé","eval_count":2}',
    ])

    const events = await collect(streamChat({ message: 'hi', model: 'llama3' }, new AbortController().signal))

    expect(events.map((ev) => ev.type)).toEqual(['start', 'token', 'token', 'done'])
    expect(events[1]).toEqual({ type: 'token', content: 'Hel' })
    expect(events[2]).toEqual({ type: 'token', content: 'é' })
    expect(events[3]).toMatchObject({ type: 'done', response: 'Helé', eval_count: 2 })
    const [path, init] = fetch.mock.calls[0] as unknown as [string, RequestInit]
    expect(path).toBe('/api/chat')
    expect(init.method).toBe('POST')
    expect(JSON.parse(init.body as string)).toEqual({ message: 'hi', model: 'llama3', stream: true })
  })

  it('throws the node’s message for a non-2xx answer', async () => {
    stubStream([JSON.stringify({ error: 'No LLM in the mesh' })], {
      status: 503,
      headers: { 'Content-Type': 'application/json', 'Retry-After': '7' },
    })
    const err = await collect(streamChat({ message: 'hi' }, new AbortController().signal)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ status: 503, message: 'No LLM in the mesh', retryAfter: 7 })
  })

  it('reports a 401 as an expired session', async () => {
    const expired = vi.fn()
    const unregister = onUnauthorized(expired)
    stubStream(['{"error":"Sign in first"}'], { status: 401 })
    await expect(collect(streamChat({ message: 'hi' }, new AbortController().signal))).rejects.toMatchObject({ status: 401 })
    expect(expired).toHaveBeenCalledOnce()
    unregister()
  })

  it('is an ApiError with status 0 when the node cannot be reached', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('fetch failed'))))
    await expect(collect(streamChat({ message: 'hi' }, new AbortController().signal))).rejects.toMatchObject({
      status: 0,
      message: 'Could not reach the node',
    })
  })

  it('stays an AbortError when the caller stops it', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new DOMException('The operation was aborted.', 'AbortError'))),
    )
    const ctrl = new AbortController()
    ctrl.abort()
    await expect(collect(streamChat({ message: 'hi' }, ctrl.signal))).rejects.toMatchObject({ name: 'AbortError' })
  })
})
