import { useCallback, useEffect, useRef, useState } from 'react'
import { streamChat } from '../../api/chat'
import { getConversation } from '../../api/conversations'
import { ApiError, isAbortError } from '../../api/http'
import type { ChatHost, ChatRequest, ConversationSettings, Exchange, KnowledgeSource } from '../../api/types'
import { activePath, switchBranch } from '../../lib/thread'

export type TurnStatus = 'streaming' | 'done' | 'error' | 'stopped'

/** One question and its answer as the thread shows it (loaded from history, or being generated now). */
export interface Turn {
  /** React key: stays the same from the moment the question is sent. */
  key: string
  /** The exchange's id on the node; the key until the node has named it. */
  id: string
  /** The exchange this one follows (lib/thread.ts); null for a first question. */
  parentId: string | null
  /** The node has this exchange (its answer started, or it was loaded). */
  saved: boolean
  question: string
  filename: string | null
  answer: string
  model: string | null
  host: ChatHost | null
  status: TurnStatus
  /** Every host is busy: the question waits on the node, this place in line (1 = next); null once an answer starts. */
  queuePosition?: number | null
  /** Why the answer failed or is incomplete (status error or stopped), in words. */
  error: string | null
  /** The same as a code: the node's `reason` (no_llm, host_lost, …), or `stopped` / `cut_off` seen here. */
  reason: string | null
  latencyMs: number | null
  ttftMs: number | null
  tokensPerS: number | null
  completionTokens: number | null
  createdAt: string | null
  /** Generated in this session (announced to screen readers), as opposed to loaded from history. */
  live: boolean
  /** Asked with mesh files: the excerpts the model was given, numbered as it cites them (kept with the exchange). */
  sources?: KnowledgeSource[] | null
}

/** How answers of the conversation are generated (sent with every question; the node keeps them). */
export type ChatSettings = Pick<ChatRequest, 'system_prompt' | 'temperature' | 'max_tokens'>

export interface AskOptions {
  message: string
  model?: string
  filename?: string
  /** Answer on this node only. */
  host?: string
  /** Answer anywhere but on this node. */
  avoidHost?: string
  /** Use mesh files: the node gives the model the best excerpts of every node's shared files, and cites them. */
  knowledge?: boolean
  /** The exchange the question follows; left out: the end of the branch on screen. */
  parentId?: string | null
  settings?: ChatSettings
}

export interface ContinueOptions {
  model?: string
  host?: string
}

function turnFromExchange(e: Exchange): Turn {
  return {
    key: e.id,
    id: e.id,
    parentId: e.parent_id ?? null,
    saved: true,
    question: e.question ?? '',
    filename: null,
    answer: e.answer ?? '',
    model: e.model ?? null,
    host: e.host ?? null,
    status: e.error ? 'error' : 'done',
    error: e.error || null,
    reason: null,
    latencyMs: e.latency_ms ?? null,
    ttftMs: null,
    tokensPerS: null,
    completionTokens: e.completion_tokens ?? null,
    createdAt: e.created_at ?? null,
    live: false,
    sources: e.sources ?? null,
  }
}

function failureMessage(err: unknown): string {
  if (err instanceof ApiError) return err.status === 0 ? err.message || 'Could not reach the node' : err.message
  if (err instanceof Error && err.message) return err.message
  return 'The answer failed'
}

const tokens = (n: number) => `${n} ${n === 1 ? 'token' : 'tokens'}`
/** Worded as the node words the ones it saves, so a reload reads the same. */
const stoppedByYou = (n: number) => `stopped: you stopped the answer after ${tokens(n)}`
const cutOff = (n: number) => `stopped: the connection to this node closed after ${tokens(n)}`

let turnSeq = 0

/**
 * State of the Chat screen's open conversation: all its exchanges (a tree, see lib/thread.ts), the
 * branch on screen, loading one from history, and asking: a new question, an edited one (a fork),
 * a regenerated answer (a sibling), or the rest of an answer that stopped. Only one answer streams
 * at a time; opening another conversation (or a new chat) stops it.
 */
export function useChatSession(onConversationsChanged: () => void, onConversationStarted: (id: string) => void) {
  const [conversationId, setConversationIdState] = useState<string | null>(null)
  const [nodes, setNodesState] = useState<Turn[]>([])
  const [leafId, setLeafIdState] = useState<string | null>(null)
  const [settings, setSettings] = useState<ConversationSettings | null>(null)
  const [loading, setLoading] = useState(false)
  const [loadError, setLoadError] = useState<string | null>(null)

  const conversationRef = useRef<string | null>(null)
  const nodesRef = useRef<Turn[]>([])
  const leafRef = useRef<string | null>(null)
  const streamRef = useRef<AbortController | null>(null)
  const loadRef = useRef<AbortController | null>(null)
  /** Bumped whenever the open conversation changes, so late events of an old one are ignored. */
  const sessionRef = useRef(0)
  const changedRef = useRef(onConversationsChanged)
  const startedRef = useRef(onConversationStarted)
  useEffect(() => {
    changedRef.current = onConversationsChanged
    startedRef.current = onConversationStarted
  }, [onConversationsChanged, onConversationStarted])

  const setConversationId = (id: string | null) => {
    conversationRef.current = id
    setConversationIdState(id)
  }
  const setNodes = (change: (ns: Turn[]) => Turn[]) => {
    nodesRef.current = change(nodesRef.current)
    setNodesState(nodesRef.current)
  }
  const setLeaf = (id: string | null) => {
    leafRef.current = id
    setLeafIdState(id)
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
    setNodes(() => [])
    setLeaf(null)
    setSettings(null)
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
      setNodes(() => conversation.exchanges.map(turnFromExchange))
      setSettings(conversation.settings ?? null)
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

  /** Streams one answer into the turn `key` (a new one, or one being continued). */
  const run = async (key: string, body: ChatRequest, continuing: boolean) => {
    const ctrl = new AbortController()
    streamRef.current = ctrl
    const session = sessionRef.current
    const update = (change: (t: Turn) => Turn) =>
      setNodes((ts) => ts.map((t) => (t.key === key && t.status === 'streaming' ? change(t) : t)))
    let received = 0
    let finished = false
    try {
      for await (const ev of streamChat(body, ctrl.signal)) {
        if (ctrl.signal.aborted || sessionRef.current !== session) break
        if (ev.type === 'queued') {
          update((t) => ({ ...t, queuePosition: ev.position }))
        } else if (ev.type === 'start') {
          if (conversationRef.current == null && ev.conversation_id) {
            setConversationId(ev.conversation_id)
            startedRef.current(ev.conversation_id)
            changedRef.current()
          }
          update((t) => ({ ...t, id: ev.exchange_id ?? t.id, saved: true, model: ev.model ?? t.model, host: ev.host ?? t.host, queuePosition: null }))
        } else if (ev.type === 'token') {
          received++
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
            sources: ev.sources ?? null,
          }))
          break
        } else {
          finished = true
          update((t) => ({ ...t, status: 'error', error: ev.error, reason: ev.reason }))
          break
        }
      }
      if (!finished) {
        update((t) =>
          ctrl.signal.aborted
            ? { ...t, status: 'stopped', error: stoppedByYou(received), reason: 'stopped' }
            : { ...t, status: 'error', error: cutOff(received), reason: 'cut_off' },
        )
      }
    } catch (err) {
      if (isAbortError(err) || ctrl.signal.aborted) update((t) => ({ ...t, status: 'stopped', error: stoppedByYou(received), reason: 'stopped' }))
      else
        update((t) => ({
          ...t,
          status: 'error',
          error: failureMessage(err),
          reason: err instanceof ApiError ? err.reason : null,
          // A continuation that could not start leaves the saved exchange as it was.
          saved: continuing || t.saved,
        }))
    } finally {
      if (streamRef.current === ctrl) streamRef.current = null
      changedRef.current()
    }
  }

  const ask = useCallback(async ({ message, model, filename, host, avoidHost, parentId, knowledge, settings: chosen }: AskOptions) => {
    if (streamRef.current) return
    // A question that never reached a host is not on the node either: it goes when the next is asked.
    setNodes((ts) => ts.filter((t) => t.saved))
    let parent: string | null
    if (parentId !== undefined) parent = parentId
    else {
      const path = activePath(nodesRef.current, leafRef.current)
      parent = path.length > 0 ? path[path.length - 1].id : null
    }
    const key = `live-${++turnSeq}`
    setNodes((ts) => [
      ...ts,
      {
        key,
        id: key,
        parentId: parent,
        saved: false,
        question: message,
        filename: filename ?? null,
        answer: '',
        model: model ?? null,
        host: null,
        status: 'streaming',
        error: null,
        reason: null,
        latencyMs: null,
        ttftMs: null,
        tokensPerS: null,
        completionTokens: null,
        createdAt: new Date().toISOString(),
        live: true,
      },
    ])
    setLeaf(key)
    const conversation = conversationRef.current ?? undefined
    await run(
      key,
      {
        message,
        model,
        filename,
        conversation_id: conversation,
        parent_id: conversation ? (parent ?? '') : undefined,
        host,
        avoid_host: avoidHost,
        knowledge: knowledge || undefined,
        ...chosen,
      },
      false,
    )
    // Named by the node now (or dropped): show the newest exchange of this branch.
    if (leafRef.current === key) setLeaf(nodesRef.current.find((t) => t.key === key)?.id ?? null)
  }, [])

  /** Asks the node to write the rest of a saved answer that stopped; the text arrives in the same turn. */
  const continueAnswer = useCallback(async (turn: Turn, { model, host }: ContinueOptions = {}) => {
    if (streamRef.current || !turn.saved || conversationRef.current == null) return
    setNodes((ts) => ts.map((t) => (t.key === turn.key ? { ...t, status: 'streaming', error: null, reason: null, live: true } : t)))
    await run(turn.key, { message: turn.question, conversation_id: conversationRef.current, continue_exchange_id: turn.id, model, host }, true)
  }, [])

  /** Shows the branch `offset` siblings away from `turn` (‹ −1, › +1). */
  const selectBranch = useCallback((turn: Turn, offset: number) => {
    if (streamRef.current) return
    const leaf = switchBranch(nodesRef.current, turn, offset)
    if (leaf) setLeaf(leaf)
  }, [])

  /** The conversation open now, as the session knows it this instant (before a render). */
  const openId = useCallback(() => conversationRef.current, [])

  const turns = activePath(nodes, leafId)
  const streaming = nodes.some((t) => t.status === 'streaming')

  return {
    conversationId,
    openId,
    nodes,
    turns,
    settings,
    loading,
    loadError,
    streaming,
    open,
    newChat,
    ask,
    continueAnswer,
    selectBranch,
    stop,
  }
}
