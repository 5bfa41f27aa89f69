import { useEffect, useId, useRef, useState } from 'react'
import { searchConversations } from '../../api/conversations'
import { isAbortError } from '../../api/http'
import type { ConversationSummary } from '../../api/types'
import { formatAgo, formatTimestamp } from '../../lib/format'
import { matchSegments } from '../../lib/search'
import { PlusIcon } from '../../components/Icons'

const SEARCH_DELAY_MS = 250

function Highlighted({ text, query }: { text: string; query: string }) {
  return (
    <>
      {matchSegments(text, query).map((s, i) =>
        s.match ? (
          <mark key={i} className="rounded-sm bg-amber-200 px-px text-amber-950">
            {s.text}
          </mark>
        ) : (
          s.text
        ),
      )}
    </>
  )
}

/** Conversations whose title, questions or answers contain `query` (the node searches), while it is not empty. */
function useSearch(query: string): { results: ConversationSummary[] | null; error: string | null } {
  const [state, setState] = useState<{ query: string; results: ConversationSummary[] | null; error: string | null }>({
    query: '',
    results: null,
    error: null,
  })
  const q = query.trim()
  useEffect(() => {
    if (!q) return
    const ctrl = new AbortController()
    const timer = setTimeout(() => {
      searchConversations(q, ctrl.signal)
        .then((results) => setState({ query: q, results, error: null }))
        .catch((err: unknown) => {
          if (!isAbortError(err)) setState({ query: q, results: null, error: err instanceof Error ? err.message : 'Search failed' })
        })
    }, SEARCH_DELAY_MS)
    return () => {
      clearTimeout(timer)
      ctrl.abort()
    }
  }, [q])
  return state.query === q ? state : { results: null, error: null }
}

/**
 * Left column of the Chat screen: "New chat", a search box (Ctrl/Cmd+K) and this node's
 * conversations, newest first. Test ids: `chat-new`, `chat-search` (the input),
 * `chat-conversation-item` (with `data-conversation-id`, and `aria-current="true"` on the open
 * one), `chat-conversation-snippet` (where a search matched), `chat-conversations-empty`,
 * `chat-search-empty`.
 */
export function ConversationList({
  conversations,
  hiddenId,
  selectedId,
  now,
  onSelect,
  onNew,
}: {
  conversations: ConversationSummary[] | null
  /** A conversation being deleted (its undo is still on offer). */
  hiddenId?: string | null
  selectedId: string | null
  now: number
  onSelect: (id: string) => void
  onNew: () => void
}) {
  const [query, setQuery] = useState('')
  const searchRef = useRef<HTMLInputElement>(null)
  const searchId = useId()
  const search = useSearch(query)
  const searching = query.trim().length > 0

  // Ctrl/Cmd+K from anywhere on the Chat screen jumps to the search box.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault()
        searchRef.current?.focus()
        searchRef.current?.select()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  const shown = (searching ? search.results : conversations)?.filter((c) => c.id !== hiddenId) ?? null
  return (
    <section
      aria-labelledby="chat-conversations-heading"
      className="flex max-h-64 min-h-0 flex-col overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm lg:max-h-none"
    >
      <div className="flex items-center justify-between gap-2 border-b border-slate-200 px-3 py-2.5">
        <h2 id="chat-conversations-heading" className="text-xs font-semibold tracking-wide text-slate-500 uppercase">
          Conversations
        </h2>
        <button
          type="button"
          data-testid="chat-new"
          onClick={onNew}
          className="inline-flex items-center gap-1.5 rounded-lg bg-slate-900 px-2.5 py-1.5 text-xs font-semibold text-white shadow-sm transition hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500"
        >
          <PlusIcon />
          New chat
        </button>
      </div>

      <div className="border-b border-slate-200 px-2.5 py-2">
        <label htmlFor={searchId} className="sr-only">
          Search conversations
        </label>
        <input
          id={searchId}
          ref={searchRef}
          type="search"
          data-testid="chat-search"
          value={query}
          maxLength={200}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && query) {
              e.preventDefault()
              setQuery('')
            }
          }}
          placeholder="Search  (Ctrl+K)"
          aria-keyshortcuts="Control+K Meta+K"
          className="w-full rounded-lg border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-900 placeholder:text-slate-500 focus:border-sky-500 focus:ring-2 focus:ring-sky-500/30 focus:outline-none"
        />
        {searching && search.error && (
          <p role="alert" className="mt-1 text-xs text-red-700">
            {search.error}
          </p>
        )}
      </div>

      {shown == null ? (
        <div className="space-y-3 p-3" role="status">
          <span className="sr-only">Loading conversations…</span>
          {Array.from({ length: 3 }, (_, i) => (
            <div key={i} aria-hidden="true" className="space-y-1.5">
              <div className="h-3 w-3/4 animate-pulse rounded bg-slate-200" />
              <div className="h-2.5 w-1/3 animate-pulse rounded bg-slate-100" />
            </div>
          ))}
        </div>
      ) : shown.length === 0 ? (
        searching ? (
          <p data-testid="chat-search-empty" role="status" className="px-3 py-6 text-center text-sm text-slate-500">
            No conversation mentions “{query.trim()}”.
          </p>
        ) : (
          <p data-testid="chat-conversations-empty" className="px-3 py-6 text-center text-sm text-slate-500">
            No conversations yet. Your questions and answers are kept on this node.
          </p>
        )
      ) : (
        <ul className="min-h-0 flex-1 space-y-0.5 overflow-y-auto p-1.5" aria-label={searching ? 'Search results' : undefined}>
          {shown.map((c) => {
            const selected = c.id === selectedId
            const count = c.exchange_count ?? 0
            return (
              <li key={c.id}>
                <button
                  type="button"
                  data-testid="chat-conversation-item"
                  data-conversation-id={c.id}
                  aria-current={selected ? 'true' : undefined}
                  onClick={() => onSelect(c.id)}
                  className={`w-full rounded-lg px-2.5 py-2 text-left transition focus-visible:outline-2 focus-visible:outline-sky-500 ${
                    selected ? 'bg-sky-50 ring-1 ring-sky-200' : 'hover:bg-slate-50'
                  }`}
                >
                  <span
                    className={`block truncate text-sm font-medium ${selected ? 'text-sky-900' : 'text-slate-800'}`}
                    title={c.title}
                  >
                    <Highlighted text={c.title?.trim() || 'Untitled conversation'} query={searching ? query : ''} />
                  </span>
                  {searching && c.snippet && (
                    <span data-testid="chat-conversation-snippet" className="mt-0.5 line-clamp-2 block text-xs text-slate-600">
                      <Highlighted text={c.snippet} query={query} />
                    </span>
                  )}
                  <span className="mt-0.5 block text-xs text-slate-500 tabular-nums" title={formatTimestamp(c.updated_at)}>
                    {count} {count === 1 ? 'exchange' : 'exchanges'} · {formatAgo(c.updated_at, now)}
                  </span>
                </button>
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}
