import { useEffect, useId, useState } from 'react'
import { getFiles } from '../../api/files'
import { ApiError, isAbortError } from '../../api/http'
import type { SharedFile } from '../../api/types'
import { formatBytes } from '../../lib/format'
import { FileIcon, SearchIcon } from '../../components/Icons'
import { Modal } from '../../components/Modal'
import { Spinner } from '../../components/Spinner'
import { originLabel } from '../files/fileList'
import { matchingFiles } from './attachments'

/**
 * Modal listing the mesh's shared files (GET /api/files) to attach one to the next question, with
 * the node holding each, and a search by file or node name. Loads each time it opens; a node
 * without the files endpoint simply has no shared files. A file whose holders are all offline is
 * listed but cannot be chosen.
 *
 * Test ids: `chat-file-picker`, `chat-files-search`, `chat-file-option` (one per file, `data-name`;
 * its `chat-file-holder`), `chat-files-empty`, `chat-files-no-match`, `chat-files-error`.
 */
export function FilePickerDialog({ onPick, onClose }: { onPick: (name: string) => void; onClose: () => void }) {
  const titleId = useId()
  const [files, setFiles] = useState<SharedFile[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [attempt, setAttempt] = useState(0)
  const [query, setQuery] = useState('')
  const searchId = useId()

  useEffect(() => {
    const ctrl = new AbortController()
    getFiles(ctrl.signal)
      .then((list) => {
        setFiles(list)
        setError(null)
      })
      .catch((err: unknown) => {
        if (isAbortError(err)) return
        setError(err instanceof ApiError && err.status !== 0 ? `Could not list files: ${err.message}` : 'Cannot reach the node')
      })
    return () => ctrl.abort()
  }, [attempt])

  const shown = files ? matchingFiles(files, query) : null

  return (
    <Modal labelledBy={titleId} onDismiss={onClose} testId="chat-file-picker">
      <h2 id={titleId} className="text-lg font-semibold text-slate-900">
        Attach a shared file
      </h2>
      <p className="mt-1 text-sm text-slate-500">The LLM reads the file along with your next question.</p>

      <div className="relative mt-4">
        <label htmlFor={searchId} className="sr-only">
          Search shared files by name or node
        </label>
        <SearchIcon className="pointer-events-none absolute top-1/2 left-3 -translate-y-1/2 text-slate-400" />
        <input
          id={searchId}
          type="search"
          data-testid="chat-files-search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          // Escape in a search box clears it; only an empty box lets Escape close the dialog.
          onKeyDown={(e) => {
            if (e.key === 'Escape' && query !== '') {
              e.preventDefault()
              setQuery('')
            }
          }}
          placeholder="Search by file or node…"
          autoComplete="off"
          autoFocus
          className="w-full rounded-lg border border-slate-300 bg-white py-2 pr-3 pl-9 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-sky-500 focus:ring-2 focus:ring-sky-500/30 focus:outline-none"
        />
      </div>

      <div className="mt-3 max-h-72 overflow-y-auto">
        {error ? (
          <div
            role="alert"
            data-testid="chat-files-error"
            className="flex items-center justify-between gap-3 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700"
          >
            <span>{error}</span>
            <button
              type="button"
              onClick={() => {
                setError(null)
                setAttempt((n) => n + 1)
              }}
              className="shrink-0 rounded-md border border-red-300 bg-white px-2 py-1 text-xs font-semibold text-red-700 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-red-500"
            >
              Try again
            </button>
          </div>
        ) : shown == null ? (
          <p role="status" className="flex items-center gap-2 py-4 text-sm text-slate-500">
            <Spinner className="h-4 w-4" /> Loading shared files…
          </p>
        ) : files?.length === 0 ? (
          <p
            data-testid="chat-files-empty"
            className="rounded-lg border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-500"
          >
            No shared files yet
          </p>
        ) : shown.length === 0 ? (
          <p data-testid="chat-files-no-match" role="status" className="px-4 py-6 text-center text-sm text-slate-500">
            No file or node matches “{query.trim()}”
          </p>
        ) : (
          <ul className="space-y-1">
            {shown.map((f) => (
              <li key={`${f.origin?.node_id ?? ''}/${f.name}`}>
                <button
                  type="button"
                  data-testid="chat-file-option"
                  data-name={f.name}
                  disabled={!f.available}
                  onClick={() => onPick(f.name)}
                  className="flex w-full items-center gap-3 rounded-lg px-3 py-2 text-left text-sm transition hover:bg-sky-50 focus-visible:outline-2 focus-visible:outline-sky-500 disabled:cursor-not-allowed disabled:opacity-60 disabled:hover:bg-transparent"
                >
                  <FileIcon className="shrink-0 text-base text-slate-400" />
                  <span className="min-w-0 flex-1">
                    <span className="block truncate font-medium text-slate-800" title={f.name}>
                      {f.name}
                    </span>
                    <span data-testid="chat-file-holder" className="block truncate text-xs text-slate-500" title={f.origin?.node_id}>
                      on {originLabel(f)}
                      {!f.available && ' · unavailable (offline)'}
                    </span>
                  </span>
                  {f.size != null && <span className="shrink-0 text-xs text-slate-500 tabular-nums">{formatBytes(f.size)}</span>}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>

      <div className="mt-5 flex justify-end">
        <button
          type="button"
          onClick={onClose}
          className="rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-700 shadow-sm transition hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500"
        >
          Cancel
        </button>
      </div>
    </Modal>
  )
}
