import { useEffect, useRef, useState, type ReactNode } from 'react'
import { getConversation, updateConversation } from '../../api/conversations'
import { conversationToJson, conversationToMarkdown, exportFileName } from '../../lib/exportConversation'

const BUTTON =
  'rounded-md px-2 py-1 text-xs font-medium text-slate-600 transition hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-sky-500 disabled:opacity-50'

function download(text: string, fileName: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

/**
 * The open conversation's title bar: its title (Rename edits it in place), Export as Markdown
 * (the branch on screen) or JSON (every branch), Settings, Delete; `children` go on the right
 * (the model picker). Test ids: `chat-title`, `chat-rename`, `chat-rename-input`,
 * `chat-export-md`, `chat-export-json`, `chat-settings`, `chat-delete`, `chat-header-error`.
 */
export function ConversationHeader({
  conversationId,
  title,
  shownBranch,
  onRenamed,
  onDelete,
  onSettings,
  leading,
  children,
}: {
  conversationId: string | null
  title: string
  /** Exchange ids of the branch on screen, root first. */
  shownBranch: string[]
  onRenamed: () => void
  onDelete: () => void
  onSettings: () => void
  /** Before the title (on a phone, the button that opens the conversation drawer). */
  leading?: ReactNode
  children: ReactNode
}) {
  const [renaming, setRenaming] = useState(false)
  const [draft, setDraft] = useState(title)
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const inputRef = useRef<HTMLInputElement>(null)
  useEffect(() => {
    if (renaming) inputRef.current?.select()
  }, [renaming])
  useEffect(() => {
    setRenaming(false)
    setError(null)
  }, [conversationId])

  const saveTitle = async () => {
    const next = draft.trim()
    if (!conversationId || !next || next === title) {
      setRenaming(false)
      return
    }
    setSaving(true)
    try {
      await updateConversation(conversationId, { title: next })
      setRenaming(false)
      setError(null)
      onRenamed()
    } catch (err) {
      setError(`Could not rename: ${err instanceof Error ? err.message : 'the request failed'}`)
    } finally {
      setSaving(false)
    }
  }

  const exportAs = async (format: 'md' | 'json') => {
    if (!conversationId) return
    try {
      const conversation = await getConversation(conversationId)
      const now = new Date()
      if (format === 'md') {
        const byId = new Map(conversation.exchanges.map((e) => [e.id, e]))
        const path = shownBranch.flatMap((id) => byId.get(id) ?? [])
        download(conversationToMarkdown(conversation, path, now), exportFileName(conversation.title, 'md'), 'text/markdown')
      } else {
        download(conversationToJson(conversation, shownBranch, now), exportFileName(conversation.title, 'json'), 'application/json')
      }
      setError(null)
    } catch (err) {
      setError(`Could not export: ${err instanceof Error ? err.message : 'the request failed'}`)
    }
  }

  return (
    <div className="border-b border-slate-200 px-4 py-2.5">
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
        {leading}
        {renaming ? (
          <form
            className="flex min-w-48 flex-1 items-center gap-2"
            onSubmit={(e) => {
              e.preventDefault()
              void saveTitle()
            }}
          >
            <label htmlFor="chat-rename-input" className="sr-only">
              Conversation title
            </label>
            <input
              id="chat-rename-input"
              ref={inputRef}
              data-testid="chat-rename-input"
              value={draft}
              maxLength={200}
              disabled={saving}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape') {
                  e.preventDefault()
                  setRenaming(false)
                }
              }}
              className="min-w-0 flex-1 rounded-md border border-slate-300 px-2 py-1 text-sm font-semibold text-slate-900 focus:border-sky-500 focus:ring-2 focus:ring-sky-500/30 focus:outline-none"
            />
            <button type="submit" className={BUTTON} disabled={saving}>
              Save
            </button>
          </form>
        ) : (
          <h2 data-testid="chat-title" className="min-w-48 flex-1 truncate text-sm font-semibold text-slate-900" title={title}>
            {title}
          </h2>
        )}
        {children}
      </div>
      <div className="-ml-2 mt-1 flex flex-wrap items-center gap-0.5" role="group" aria-label="Conversation actions">
        {conversationId && (
          <>
            <button
              type="button"
              data-testid="chat-rename"
              className={BUTTON}
              disabled={renaming}
              onClick={() => {
                setDraft(title)
                setRenaming(true)
              }}
            >
              Rename
            </button>
            <button type="button" data-testid="chat-export-md" className={BUTTON} onClick={() => void exportAs('md')} title="The branch on screen, as Markdown">
              Export .md
            </button>
            <button type="button" data-testid="chat-export-json" className={BUTTON} onClick={() => void exportAs('json')} title="Every exchange and branch, as JSON">
              Export .json
            </button>
          </>
        )}
        <button type="button" data-testid="chat-settings" className={BUTTON} onClick={onSettings} title="System prompt, temperature, max tokens">
          Settings
        </button>
        {conversationId && (
          <button type="button" data-testid="chat-delete" className={`${BUTTON} text-red-700 hover:bg-red-50 hover:text-red-800`} onClick={onDelete}>
            Delete
          </button>
        )}
      </div>
      {error && (
        <p role="alert" data-testid="chat-header-error" className="mt-1 text-xs text-red-700">
          {error}
        </p>
      )}
    </div>
  )
}
