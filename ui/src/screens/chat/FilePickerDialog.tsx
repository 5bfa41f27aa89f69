import { useEffect, useId, useState } from 'react'
import { getFiles } from '../../api/files'
import { ApiError, isAbortError } from '../../api/http'
import type { SharedFile } from '../../api/types'
import { formatBytes } from '../../lib/format'
import { FileIcon } from '../../components/Icons'
import { Modal } from '../../components/Modal'
import { Spinner } from '../../components/Spinner'

/**
 * Modal listing the mesh's shared files (GET /api/files) to attach one to the next question.
 * Loads each time it opens; a node without the files endpoint simply has no shared files.
 *
 * Test ids: `chat-file-picker`, `chat-file-option` (one per file), `chat-files-empty`, `chat-files-error`.
 */
export function FilePickerDialog({ onPick, onClose }: { onPick: (name: string) => void; onClose: () => void }) {
  const titleId = useId()
  const [files, setFiles] = useState<SharedFile[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [attempt, setAttempt] = useState(0)

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

  const sorted = files ? [...files].sort((a, b) => a.name.localeCompare(b.name)) : null

  return (
    <Modal labelledBy={titleId} onDismiss={onClose} testId="chat-file-picker">
      <h2 id={titleId} className="text-lg font-semibold text-slate-900">
        Attach a shared file
      </h2>
      <p className="mt-1 text-sm text-slate-500">The LLM reads the file along with your next question.</p>

      <div className="mt-4 max-h-72 overflow-y-auto">
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
        ) : sorted == null ? (
          <p role="status" className="flex items-center gap-2 py-4 text-sm text-slate-500">
            <Spinner className="h-4 w-4" /> Loading shared files…
          </p>
        ) : sorted.length === 0 ? (
          <p
            data-testid="chat-files-empty"
            className="rounded-lg border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-500"
          >
            No shared files yet
          </p>
        ) : (
          <ul className="space-y-1">
            {sorted.map((f) => (
              <li key={f.name}>
                <button
                  type="button"
                  data-testid="chat-file-option"
                  onClick={() => onPick(f.name)}
                  className="flex w-full items-center gap-3 rounded-lg px-3 py-2 text-left text-sm transition hover:bg-sky-50 focus-visible:outline-2 focus-visible:outline-sky-500"
                >
                  <FileIcon className="shrink-0 text-base text-slate-400" />
                  <span className="min-w-0 flex-1 truncate font-medium text-slate-800" title={f.name}>
                    {f.name}
                  </span>
                  {f.size != null && <span className="shrink-0 text-xs text-slate-400 tabular-nums">{formatBytes(f.size)}</span>}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>

      <div className="mt-5 flex justify-end">
        <button
          type="button"
          autoFocus
          onClick={onClose}
          className="rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-700 shadow-sm transition hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500"
        >
          Cancel
        </button>
      </div>
    </Modal>
  )
}
