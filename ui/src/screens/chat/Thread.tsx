import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import { Link } from 'react-router-dom'
import { m } from 'framer-motion'
import { AnswerMeta } from '../../components/AnswerMeta'
import { CopyButton } from '../../components/CopyButton'
import { AlertIcon, ChatIcon, FileIcon } from '../../components/Icons'
import { Markdown } from '../../components/Markdown'
import { Sources } from './Sources'
import { Spinner } from '../../components/Spinner'
import { branchPosition } from '../../lib/thread'
import type { Turn } from './useChatSession'
import { queuedText } from '../../lib/queue'

/** What a person can do to a turn; Thread only reports the wish, Chat decides the model and host. */
export interface TurnActions {
  /** Send an edited question: a fork from where the original was asked. */
  onEdit: (turn: Turn, question: string) => void
  /** A new answer to the same question (a sibling), on the model chosen above. */
  onRegenerate: (turn: Turn) => void
  /** Ask again after a failure; `avoidHost` keeps it off the host that failed. */
  onRetry: (turn: Turn, avoidHost?: string) => void
  /** Write the rest of an answer that stopped. */
  onContinue: (turn: Turn) => void
  /** Show the sibling branch `offset` away. */
  onBranch: (turn: Turn, offset: number) => void
  /** Whether another host than `turn`'s serves its model now ("retry on another host"). */
  otherHostServes: (turn: Turn) => boolean
}

/**
 * The open conversation: each turn is a user bubble and an assistant bubble. The list is a
 * polite live region (role="log"); a bubble is aria-busy while its answer streams, so screen
 * readers read the answer once it is complete rather than token by token.
 *
 * Test ids: `chat-thread`, `chat-message-user`, `chat-message-assistant` (`data-streaming`
 * "true" while generating, then "false"; `data-status` streaming | done | error | stopped),
 * `chat-answer-host` (inside the assistant bubble; contains the host name; never on a failed
 * answer's "Partial answer from"), `chat-answer-error` (failed, cut-off or stopped answer, with
 * `data-reason`), `chat-thinking` (waiting for the first token), `chat-empty` (no turns yet),
 * `chat-load-error`. Actions: `chat-copy-answer`, `chat-regenerate`, `chat-continue`, `chat-retry`,
 * `chat-retry-elsewhere`, `chat-edit` (then `chat-edit-input`, `chat-edit-send`, `chat-edit-cancel`),
 * `chat-branch` (‹ n/m ›, with `chat-branch-prev` / `chat-branch-next`), `chat-fix-link`.
 */
export function Thread({
  turns,
  nodes,
  localNodeId,
  loading,
  loadError,
  onRetryLoad,
  now,
  streaming,
  editingKey,
  onEditingChange,
  actions,
}: {
  turns: Turn[]
  /** Every exchange of the conversation, for the ‹ n/m › of forks. */
  nodes: Turn[]
  localNodeId: string | null
  loading: boolean
  loadError: string | null
  onRetryLoad: () => void
  now: number
  streaming: boolean
  /** The turn whose question is being edited (↑ in an empty composer edits the last one). */
  editingKey: string | null
  onEditingChange: (key: string | null) => void
  actions: TurnActions
}) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const stickRef = useRef(true)
  const last = turns[turns.length - 1]

  // Follow the growing answer while the reader is at the bottom; leave them alone if they scrolled up.
  useLayoutEffect(() => {
    const el = scrollRef.current
    if (el && stickRef.current) el.scrollTop = el.scrollHeight
  }, [turns.length, last?.answer, last?.status])

  // A new question always scrolls into view.
  useEffect(() => {
    stickRef.current = true
    const el = scrollRef.current
    if (el) el.scrollTop = el.scrollHeight
  }, [turns.length])

  const onScroll = () => {
    const el = scrollRef.current
    if (el) stickRef.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48
  }

  return (
    <div ref={scrollRef} onScroll={onScroll} className="min-h-0 flex-1 overflow-y-auto px-4 py-5 sm:px-6">
      {loading ? (
        <div role="status" className="flex h-full items-center justify-center gap-2 text-sm text-slate-500">
          <Spinner className="h-4 w-4" />
          Loading conversation…
        </div>
      ) : loadError ? (
        <div
          role="alert"
          data-testid="chat-load-error"
          className="mx-auto flex max-w-md flex-col items-center gap-3 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-center text-sm text-red-700"
        >
          <span>{loadError}</span>
          <button
            type="button"
            onClick={onRetryLoad}
            className="rounded-lg border border-red-300 bg-white px-3 py-1.5 text-xs font-semibold text-red-700 transition hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-red-500"
          >
            Try again
          </button>
        </div>
      ) : turns.length === 0 ? (
        <div data-testid="chat-empty" className="flex h-full flex-col items-center justify-center text-center">
          <div className="flex h-12 w-12 items-center justify-center rounded-xl bg-sky-50 text-2xl text-sky-600 ring-1 ring-sky-100">
            <ChatIcon />
          </div>
          <h2 className="mt-3 text-base font-semibold text-slate-900">Ask the mesh</h2>
          <p className="mt-1 max-w-sm text-sm text-slate-500">
            Your question goes to an LLM on this node or on one of your peers; the answer streams in as it is
            written.
          </p>
        </div>
      ) : null}
      {/* Always mounted, so the first answer of a new chat is announced too. */}
      <div role="log" aria-label="Messages" data-testid="chat-thread">
        {turns.length > 0 && (
          <ol className="mx-auto max-w-3xl space-y-6">
            {turns.map((turn) => (
              <TurnView
                key={turn.key}
                turn={turn}
                branch={branchPosition(nodes, turn)}
                localNodeId={localNodeId}
                now={now}
                busy={streaming}
                editing={editingKey === turn.key}
                onEditingChange={(on) => onEditingChange(on ? turn.key : null)}
                actions={actions}
              />
            ))}
          </ol>
        )}
      </div>
    </div>
  )
}

const ACTION =
  'inline-flex items-center gap-1 rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-700 shadow-sm transition hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-sky-500 disabled:opacity-50'

/** How to put right a chat that could not start: a sentence and where to go. */
function Fix({ reason }: { reason: string | null }) {
  if (reason === 'no_llm')
    return (
      <span className="mt-1 block">
        Nothing is missing on your side but a model: start Ollama with one (<code>ollama pull llama3</code>) on this node
        or on a peer, or connect a peer that has one on the{' '}
        <Link data-testid="chat-fix-link" to="/network" className="font-semibold underline">
          Network
        </Link>{' '}
        screen. README, Troubleshooting: “Chat says No LLM is reachable”.
      </span>
    )
  if (reason === 'unknown_model')
    return <span className="mt-1 block">Choose one of the available models in the model picker above.</span>
  if (reason === 'host_unavailable' || reason === 'no_other_host')
    return <span className="mt-1 block">Choose “any host” for the model in the picker above.</span>
  return null
}

function TurnView({
  turn,
  branch,
  localNodeId,
  now,
  busy,
  editing,
  onEditingChange,
  actions,
}: {
  turn: Turn
  branch: { index: number; count: number }
  localNodeId: string | null
  now: number
  busy: boolean
  editing: boolean
  onEditingChange: (editing: boolean) => void
  actions: TurnActions
}) {
  const streaming = turn.status === 'streaming'
  const failed = turn.status === 'error' || turn.status === 'stopped'
  const [draft, setDraft] = useState(turn.question)
  const editRef = useRef<HTMLTextAreaElement>(null)
  useEffect(() => {
    if (editing) {
      setDraft(turn.question)
      editRef.current?.focus()
    }
  }, [editing, turn.question])

  const sendEdit = () => {
    const text = draft.trim()
    if (!text || busy) return
    onEditingChange(false)
    actions.onEdit(turn, text)
  }

  const canContinue = failed && turn.saved && turn.answer.length > 0
  const otherHost = failed && turn.host != null && actions.otherHostServes(turn)
  return (
    <m.li
      initial={turn.live ? { opacity: 0, y: 6 } : false}
      animate={{ opacity: 1, y: 0 }}
      transition={{ duration: 0.15, ease: 'easeOut' }}
      className="space-y-3"
    >
      {editing ? (
        <div className="ml-auto max-w-[85%] space-y-2">
          <label className="sr-only" htmlFor={`edit-${turn.key}`}>
            Edit your question
          </label>
          <textarea
            id={`edit-${turn.key}`}
            ref={editRef}
            data-testid="chat-edit-input"
            value={draft}
            rows={Math.min(8, Math.max(2, draft.split('\n').length))}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault()
                sendEdit()
              } else if (e.key === 'Escape') {
                e.preventDefault()
                onEditingChange(false)
              }
            }}
            className="w-full rounded-xl border border-sky-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm focus:ring-2 focus:ring-sky-500/30 focus:outline-none"
          />
          <div className="flex justify-end gap-2">
            <button type="button" data-testid="chat-edit-cancel" className={ACTION} onClick={() => onEditingChange(false)}>
              Cancel
            </button>
            <button
              type="button"
              data-testid="chat-edit-send"
              disabled={busy || !draft.trim()}
              onClick={sendEdit}
              className="inline-flex items-center rounded-md bg-sky-700 px-2.5 py-1 text-xs font-semibold text-white shadow-sm hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:opacity-50"
            >
              Send edited question
            </button>
          </div>
          <p className="text-right text-xs text-slate-500">The conversation forks here; the earlier version stays one branch away.</p>
        </div>
      ) : (
        <div className="group flex items-start justify-end gap-2">
          {!busy && (
            <button
              type="button"
              data-testid="chat-edit"
              onClick={() => onEditingChange(true)}
              aria-label="Edit this question"
              title="Edit this question (↑ in an empty message box edits the last one)"
              className="mt-1.5 rounded-md px-1.5 py-1 text-xs font-medium text-slate-600 transition hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-sky-500"
            >
              Edit
            </button>
          )}
          <div
            data-testid="chat-message-user"
            className="max-w-[85%] rounded-2xl rounded-br-md bg-sky-700 px-4 py-2.5 text-sm whitespace-pre-wrap text-white shadow-sm break-words"
          >
            <span className="sr-only">You: </span>
            {turn.question}
            {turn.filename && (
              <span className="mt-2 flex items-center gap-1.5 text-xs text-sky-100">
                <FileIcon aria-hidden="true" />
                <span className="sr-only">Attached file: </span>
                {turn.filename}
              </span>
            )}
          </div>
        </div>
      )}

      <div className="flex justify-start">
        <article
          data-testid="chat-message-assistant"
          data-streaming={streaming ? 'true' : 'false'}
          data-status={turn.status}
          aria-busy={streaming}
          aria-label={streaming ? 'Answer (generating)' : failed ? 'Answer (incomplete)' : 'Answer'}
          className={`w-full max-w-[85%] rounded-2xl rounded-bl-md border bg-white px-4 py-3 text-sm text-slate-800 shadow-sm ${
            failed ? 'border-red-200' : 'border-slate-200'
          }`}
        >
          {turn.answer ? (
            <div className="relative">
              <Markdown text={turn.answer} />
              {streaming && (
                <span
                  aria-hidden="true"
                  className="ml-0.5 inline-block h-4 w-1.5 translate-y-0.5 animate-pulse rounded-sm bg-sky-500"
                />
              )}
            </div>
          ) : streaming ? (
            <p data-testid="chat-thinking" className="flex items-center gap-2 text-slate-500">
              <Spinner className="h-4 w-4 text-sky-500" />
              {turn.host
                ? `${turn.host.name || 'The host'} is thinking…`
                : turn.queuePosition
                  ? queuedText(turn.queuePosition)
                  : 'Finding an LLM host…'}
            </p>
          ) : null}

          {failed && turn.error && (
            <p
              data-testid="chat-answer-error"
              data-reason={turn.reason ?? undefined}
              role={turn.live ? 'alert' : undefined}
              className={`flex items-start gap-2 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700 ${turn.answer ? 'mt-3' : ''}`}
            >
              <AlertIcon className="mt-0.5 shrink-0" />
              <span>
                {turn.error}
                <Fix reason={turn.reason} />
              </span>
            </p>
          )}

          {turn.sources && turn.sources.length > 0 && <Sources sources={turn.sources} />}

          {(turn.host || !streaming) && (
            <div className={turn.answer || failed ? 'mt-3 border-t border-slate-100 pt-2' : ''}>
              <AnswerMeta
                host={turn.host}
                localNodeId={localNodeId}
                model={turn.model}
                pending={streaming}
                failed={failed}
                hostTestId={failed ? 'chat-answer-partial-host' : 'chat-answer-host'}
                stats={{
                  latencyMs: turn.latencyMs,
                  ttftMs: turn.ttftMs,
                  tokensPerS: turn.tokensPerS,
                  completionTokens: turn.completionTokens,
                }}
                createdAt={turn.live ? null : turn.createdAt}
                now={now}
              />
            </div>
          )}

          {!streaming && (
            <div className="mt-2 flex flex-wrap items-center gap-1.5">
              {branch.count > 1 && (
                <span data-testid="chat-branch" className="mr-1 inline-flex items-center gap-0.5 text-xs text-slate-600 tabular-nums">
                  <button
                    type="button"
                    data-testid="chat-branch-prev"
                    disabled={busy || branch.index === 0}
                    onClick={() => actions.onBranch(turn, -1)}
                    aria-label="Previous version"
                    className="rounded px-1.5 py-0.5 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-500 disabled:opacity-40"
                  >
                    ‹
                  </button>
                  <span aria-label={`Version ${branch.index + 1} of ${branch.count}`}>
                    {branch.index + 1}/{branch.count}
                  </span>
                  <button
                    type="button"
                    data-testid="chat-branch-next"
                    disabled={busy || branch.index === branch.count - 1}
                    onClick={() => actions.onBranch(turn, 1)}
                    aria-label="Next version"
                    className="rounded px-1.5 py-0.5 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-500 disabled:opacity-40"
                  >
                    ›
                  </button>
                </span>
              )}
              {turn.answer && <CopyButton text={turn.answer} label="Copy answer" testId="chat-copy-answer" tone="light" />}
              {failed ? (
                <>
                  {canContinue && (
                    <button type="button" data-testid="chat-continue" className={ACTION} disabled={busy} onClick={() => actions.onContinue(turn)}>
                      Continue
                    </button>
                  )}
                  <button type="button" data-testid="chat-retry" className={ACTION} disabled={busy} onClick={() => actions.onRetry(turn)}>
                    Retry
                  </button>
                  {otherHost && (
                    <button
                      type="button"
                      data-testid="chat-retry-elsewhere"
                      className={ACTION}
                      disabled={busy}
                      onClick={() => actions.onRetry(turn, turn.host!.node_id)}
                    >
                      Retry on another host
                    </button>
                  )}
                </>
              ) : (
                <button
                  type="button"
                  data-testid="chat-regenerate"
                  className={ACTION}
                  disabled={busy}
                  title="A new answer on the model chosen above; this one stays a version away"
                  onClick={() => actions.onRegenerate(turn)}
                >
                  Regenerate
                </button>
              )}
            </div>
          )}
        </article>
      </div>
    </m.li>
  )
}
