import type { ConversationSummary } from '../../api/types'
import { formatAgo, formatTimestamp } from '../../lib/format'
import { PlusIcon } from '../../components/Icons'

/**
 * Left column of the Chat screen: "New chat" and this node's conversations, newest first.
 * Test ids: `chat-new`, `chat-conversation-item` (with `data-conversation-id`, and
 * `aria-current="true"` on the open one), `chat-conversations-empty`.
 */
export function ConversationList({
  conversations,
  selectedId,
  now,
  onSelect,
  onNew,
}: {
  conversations: ConversationSummary[] | null
  selectedId: string | null
  now: number
  onSelect: (id: string) => void
  onNew: () => void
}) {
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

      {conversations == null ? (
        <div className="space-y-3 p-3" role="status">
          <span className="sr-only">Loading conversations…</span>
          {Array.from({ length: 3 }, (_, i) => (
            <div key={i} aria-hidden="true" className="space-y-1.5">
              <div className="h-3 w-3/4 animate-pulse rounded bg-slate-200" />
              <div className="h-2.5 w-1/3 animate-pulse rounded bg-slate-100" />
            </div>
          ))}
        </div>
      ) : conversations.length === 0 ? (
        <p data-testid="chat-conversations-empty" className="px-3 py-6 text-center text-sm text-slate-500">
          No conversations yet. Your questions and answers are kept on this node.
        </p>
      ) : (
        <ul className="min-h-0 flex-1 space-y-0.5 overflow-y-auto p-1.5">
          {conversations.map((c) => {
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
                    {c.title?.trim() || 'Untitled conversation'}
                  </span>
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
