import { useCallback, useEffect, useRef, useState } from 'react'
import { streamChat } from '../../api/chat'
import { getConversation } from '../../api/conversations'
import { ApiError, isAbortError } from '../../api/http'
import type { ChatHost, Exchange } from '../../api/types'

export type TurnStatus = 'streaming' | 'done' | 'error' | 'stopped'

/** One question and its answer as the thread shows it (loaded from history, or being generated now). */
export interface Turn {
  key: string
  question: string
  filename: string | null
  answer: string
  model: string | null
  host: ChatHost | null
  status: TurnStatus
  /** Why the answer failed or is incomplete (status error or stopped). */
  error: string | null
  latencyMs: number | null
  ttftMs: number | null
  tokensPerS: number | null
  completionTokens: number | null
  createdAt: string | null
  /** Generated in this session (announced to screen readers), as opposed to loaded from history. */
  live: boolean
}

export interface SendOptions {
  message: string
  model?: string
  filename?: string
}

function turnFromExchange(e: Exchange): Turn {
  return {
    key: e.id,
    question: e.question ?? '',
    filename: null,
    answer: e.answer ?? '',
    model: e.model ?? null,
    host: e.host ?? null,
    status: e.error ? 'error' : 'done',
    error: e.error || null,
    latencyMs: e.latency_ms ?? null,
    ttftMs: null,
    tokensPerS: null,
    completionTokens: e.completion_tokens ?? null,
    createdAt: e.created_at ?? null,
    live: false,
  }
}

function failureMessage(err: unknown): string {
  if (err instanceof ApiError) return err.status === 0 ? err.message || 'Could not reach the node' : err.message
  if (err instanceof Error && err.message) return err.message
  return 'The answer failed'
}

const STOPPED = 'Stopped — the answer is incomplete.'
const CUT_OFF = 'The connection closed before the answer was complete.'

let turnSeq = 0

/**
 * State of the Chat screen's open conversation: its turns, loading one from history, and sending
 * a question whose answer streams in. Only one answer streams at a time; opening another
 * conversation (or a new chat) stops it.
 */
export function useChatSession(onConversationsChanged: () => void) {
  const [conversationId, setConversationIdState] = useState<string | null>(null)
  const [turns, setTurns] = useState<Turn[]>([])
  const [loading, setLoading] = useState(false)
  const [loadError, setLoadError] = useState<string | null>(null)

  const conversationRef = useRef<string | null>(null)
  const streamRef = useRef<AbortController | null>(null)
  const loadRef = useRef<AbortController | null>(null)
  /** Bumped whenever the open conversation changes, so late events of an old one are ignored. */
  const sessionRef = useRef(0)
  const changedRef = useRef(onConversationsChanged)
  useEffect(() => {
    changedRef.current = onConversationsChanged
  }, [onConversationsChanged])

  const setConversationId = (id: string | null) => {
    conversationRef.current = id
    setConversationIdState(id)
  }

  useEffect(
    () => () => {
      streamRef.current?.abort()
      loadRef.current?.abort()
    },
    [],
  )

  const reset = (id: string | null) => {
    sessionRef.current++
    streamRef.current?.abort()
    streamRef.current = null
    loadRef.current?.abort()
    loadRef.current = null
    setConversationId(id)
    setTurns([])
    setLoadError(null)
    setLoading(false)
  }

  const newChat = useCallback(() => reset(null), [])

  const open = useCallback(async (id: string) => {
    reset(id)
    const ctrl = new AbortController()
    loadRef.current = ctrl
    setLoading(true)
    try {
      const conversation = await getConversation(id, ctrl.signal)
      if (loadRef.current !== ctrl) return
      setTurns(conversation.exchanges.map(turnFromExchange))
    } catch (err) {
      if (loadRef.current !== ctrl || isAbortError(err)) return
      if (err instanceof ApiError && err.status === 401) return // handled globally
      setLoadError(`Could not load the conversation: ${failureMessage(err)}`)
    } finally {
      if (loadRef.current === ctrl) {
        loadRef.current = null
        setLoading(false)
      }
    }
  }, [])

  const stop = useCallback(() => streamRef.current?.abort(), [])

  const send = useCallback(async ({ message, model, filename }: SendOptions) => {
    if (streamRef.current) return
    const ctrl = new AbortController()
    streamRef.current = ctrl
    const session = sessionRef.current
    const key = `live-${++turnSeq}`
    setTurns((ts) => [
      ...ts,
      {
        key,
        question: message,
        filename: filename ?? null,
        answer: '',
        model: model ?? null,
        host: null,
        status: 'streaming',
        error: null,
        latencyMs: null,
        ttftMs: null,
        tokensPerS: null,
        completionTokens: null,
        createdAt: new Date().toISOString(),
        live: true,
      },
    ])
    const update = (change: (t: Turn) => Turn) =>
      setTurns((ts) => ts.map((t) => (t.key === key && t.status === 'streaming' ? change(t) : t)))

    let finished = false
    try {
      const events = streamChat(
        {
          message,
          model,
          conversation_id: conversationRef.current ?? undefined,
          filename,
        },
        ctrl.signal,
      )
      for await (const ev of events) {
        if (ctrl.signal.aborted) break
        if (ev.type === 'start') {
          if (sessionRef.current === session && conversationRef.current == null && ev.conversation_id) {
            setConversationId(ev.conversation_id)
            changedRef.current()
          }
          update((t) => ({ ...t, model: ev.model ?? t.model, host: ev.host ?? t.host }))
        } else if (ev.type === 'token') {
          if (ev.content) update((t) => ({ ...t, answer: t.answer + ev.content }))
        } else if (ev.type === 'done') {
          finished = true
          update((t) => ({
            ...t,
            status: 'done',
            answer: ev.response ?? t.answer,
            latencyMs: ev.latency_ms,
            ttftMs: ev.ttft_ms,
            tokensPerS: ev.tokens_per_s,
            completionTokens: ev.eval_count,
          }))
          break
        } else {
          finished = true
          update((t) => ({ ...t, status: 'error', error: ev.error }))
          break
        }
      }
      if (!finished) {
        update((t) =>
          ctrl.signal.aborted ? { ...t, status: 'stopped', error: STOPPED } : { ...t, status: 'error', error: CUT_OFF },
        )
      }
    } catch (err) {
      if (isAbortError(err) || ctrl.signal.aborted) update((t) => ({ ...t, status: 'stopped', error: STOPPED }))
      else update((t) => ({ ...t, status: 'error', error: failureMessage(err) }))
    } finally {
      if (streamRef.current === ctrl) streamRef.current = null
      changedRef.current()
    }
  }, [])

  const streaming = turns.some((t) => t.status === 'streaming')

  return { conversationId, turns, loading, loadError, streaming, open, newChat, send, stop }
}
