import { useEffect, useLayoutEffect, useRef } from 'react'
import { m } from 'framer-motion'
import { AnswerMeta } from '../../components/AnswerMeta'
import { AlertIcon, ChatIcon, FileIcon } from '../../components/Icons'
import { Markdown } from '../../components/Markdown'
import { Spinner } from '../../components/Spinner'
import type { Turn } from './useChatSession'

/**
 * The open conversation: each turn is a user bubble and an assistant bubble. The list is a
 * polite live region (role="log"); a bubble is aria-busy while its answer streams, so screen
 * readers read the answer once it is complete rather than token by token.
 *
 * Test ids: `chat-thread`, `chat-message-user`, `chat-message-assistant` (`data-streaming`
 * "true" while generating, then "false"; `data-status` streaming | done | error | stopped),
 * `chat-answer-host` (inside the assistant bubble; contains the host name), `chat-answer-error`
 * (failed, cut-off or stopped answer), `chat-thinking` (waiting for the first token),
 * `chat-empty` (no turns yet), `chat-load-error`.
 */
export function Thread({
  turns,
  localNodeId,
  loading,
  loadError,
  onRetryLoad,
  now,
}: {
  turns: Turn[]
  localNodeId: string | null
  loading: boolean
  loadError: string | null
  onRetryLoad: () => void
  now: number
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
              <TurnView key={turn.key} turn={turn} localNodeId={localNodeId} now={now} />
            ))}
          </ol>
        )}
      </div>
    </div>
  )
}

function TurnView({ turn, localNodeId, now }: { turn: Turn; localNodeId: string | null; now: number }) {
  const streaming = turn.status === 'streaming'
  const failed = turn.status === 'error' || turn.status === 'stopped'
  return (
    <m.li
      initial={turn.live ? { opacity: 0, y: 6 } : false}
      animate={{ opacity: 1, y: 0 }}
      transition={{ duration: 0.15, ease: 'easeOut' }}
      className="space-y-3"
    >
      <div className="flex justify-end">
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
              {turn.host ? `${turn.host.name || 'The host'} is thinking…` : 'Finding an LLM host…'}
            </p>
          ) : null}

          {failed && turn.error && (
            <p
              data-testid="chat-answer-error"
              role={turn.live ? 'alert' : undefined}
              className={`flex items-start gap-2 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700 ${turn.answer ? 'mt-3' : ''}`}
            >
              <AlertIcon className="mt-0.5 shrink-0" />
              <span>{turn.error}</span>
            </p>
          )}

          {(turn.host || !streaming) && (
            <div className={turn.answer || failed ? 'mt-3 border-t border-slate-100 pt-2' : ''}>
              <AnswerMeta
                host={turn.host}
                localNodeId={localNodeId}
                model={turn.model}
                pending={streaming}
                hostTestId="chat-answer-host"
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
        </article>
      </div>
    </m.li>
  )
}
