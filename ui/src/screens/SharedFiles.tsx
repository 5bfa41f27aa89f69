import { useCallback, useMemo, useState } from 'react'
import { deleteFile, getFiles, setFilePinned } from '../api/files'
import { ApiError } from '../api/http'
import type { SharedFile } from '../api/types'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { FilesIcon } from '../components/Icons'
import { Page } from '../components/Page'
import { RetryingBanner } from '../components/RetryingBanner'
import { usePoll } from '../usePoll'
import { FileTable, FileToolbar, type RowState } from './files/FileTable'
import { DEFAULT_DIRECTION, visibleFiles, type FileSort, type SortKey } from './files/fileList'
import { MeshSearch } from './files/MeshSearch'
import { UploadPanel } from './files/UploadPanel'
import { useUploadQueue } from './files/useUploadQueue'

const POLL_MS = 5000

function actionErrorMessage(err: unknown, fallback: string): string {
  if (err instanceof ApiError) return err.status === 0 ? 'Could not reach the node' : err.message || fallback
  return fallback
}

function SkeletonRows() {
  return (
    <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm" role="status">
      <span className="sr-only">Loading files…</span>
      <div className="divide-y divide-slate-100" aria-hidden="true">
        {Array.from({ length: 3 }, (_, i) => (
          <div key={i} className="flex items-center gap-6 px-4 py-4">
            <div className="h-3 w-40 animate-pulse rounded bg-slate-200" />
            <div className="hidden h-3 w-20 animate-pulse rounded bg-slate-100 sm:block" />
            <div className="h-3 w-12 animate-pulse rounded bg-slate-100" />
            <div className="hidden h-3 w-28 animate-pulse rounded bg-slate-100 md:block" />
          </div>
        ))}
      </div>
    </div>
  )
}

/** No file anywhere in the mesh. Test id: `files-empty`. */
function EmptyState() {
  return (
    <section
      data-testid="files-empty"
      className="rounded-2xl border border-dashed border-slate-300 bg-white px-6 py-12 text-center shadow-sm"
    >
      <div className="mx-auto flex h-12 w-12 items-center justify-center rounded-xl bg-slate-100 text-2xl text-slate-500">
        <FilesIcon />
      </div>
      <h2 className="mt-4 text-base font-semibold text-slate-900">No shared files yet</h2>
      <p className="mx-auto mt-2 max-w-lg text-sm text-slate-600">
        Drop a document above to share it with your mesh. Files your peers share show up here too, ready to download
        or to ask an LLM about.
      </p>
    </section>
  )
}

/**
 * Shared Files: upload files to this node, and browse, download, pin, delete and ask about the
 * files of the whole mesh. Test ids are documented on UploadPanel, FileToolbar and FileTable;
 * also `files-summary`, `files-empty`, `files-no-match` (the search hides every file),
 * `files-error` (polling failed), and the delete dialog `delete-dialog` with `confirm-delete`
 * (its error: `confirm-error`).
 */
export default function SharedFiles() {
  const { data: files, error, refresh, mutate } = usePoll(getFiles, POLL_MS, 'File list request failed')
  const uploads = useUploadQueue(refresh)

  const [query, setQuery] = useState('')
  const [sort, setSort] = useState<FileSort>({ key: 'date', direction: DEFAULT_DIRECTION.date })
  const [grouped, setGrouped] = useState(false)
  const visible = useMemo(() => (files ? visibleFiles(files, query, sort) : null), [files, query, sort])

  const chooseSortKey = (key: SortKey) => setSort({ key, direction: DEFAULT_DIRECTION[key] })
  const toggleDirection = () => setSort((s) => ({ ...s, direction: s.direction === 'asc' ? 'desc' : 'asc' }))
  const sortBy = (key: SortKey) =>
    setSort((s) =>
      s.key === key ? { key, direction: s.direction === 'asc' ? 'desc' : 'asc' } : { key, direction: DEFAULT_DIRECTION[key] },
    )

  // Pin / unpin: per-row progress and error, so a failure (or peers declining a copy) stays on its row.
  const [rowStates, setRowStates] = useState<Record<string, RowState | undefined>>({})
  const setRow = (name: string, state: RowState | undefined) => setRowStates((rows) => ({ ...rows, [name]: state }))
  const dismissRowError = useCallback(
    (name: string) => setRowStates((rows) => ({ ...rows, [name]: rows[name] && { ...rows[name], error: null } })),
    [],
  )

  const togglePin = async (file: SharedFile) => {
    const { name } = file
    const pinned = !file.pinned
    if (rowStates[name]?.pinning) return
    setRow(name, { pinning: true, error: null })
    try {
      const result = await setFilePinned(name, pinned)
      mutate((list) => list.map((f) => (f.name === name && f.local ? { ...f, pinned } : f)))
      // Peers that declined (no room under their replica quota, or a failed copy) are worth saying on the row.
      const declined = result.declined ?? []
      setRow(
        name,
        declined.length > 0
          ? {
              pinning: false,
              error: `Pinned; ${declined.length} of ${result.peers} peers declined a copy: ${declined.map((d) => d.reason).join('; ')}`,
            }
          : undefined,
      )
      refresh()
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return // handled globally
      setRow(name, { pinning: false, error: actionErrorMessage(err, pinned ? 'Pinning failed' : 'Unpinning failed') })
    }
  }

  const [target, setTarget] = useState<SharedFile | null>(null)
  const [deleting, setDeleting] = useState(false)
  const [deleteError, setDeleteError] = useState<string | null>(null)

  const openDelete = (file: SharedFile) => {
    setDeleteError(null)
    setTarget(file)
  }

  const closeDelete = () => {
    if (deleting) return
    setTarget(null)
    setDeleteError(null)
  }

  const confirmDelete = async () => {
    if (!target || deleting) return
    const { name } = target
    setDeleting(true)
    setDeleteError(null)
    try {
      await deleteFile(name)
      mutate((list) => list.filter((f) => !(f.name === name && f.local)))
      setRow(name, undefined)
      setTarget(null)
      refresh()
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return // handled globally
      setDeleteError(actionErrorMessage(err, 'Deleting the file failed'))
      refresh()
    } finally {
      setDeleting(false)
    }
  }

  const localCount = files?.filter((f) => f.local).length ?? 0
  const unavailableCount = files?.filter((f) => !f.available).length ?? 0
  const total = files?.length ?? 0

  return (
    <Page title="Shared Files" subtitle="Files shared across the mesh: yours and your peers'">
      {error && <RetryingBanner message={error} testId="files-error" />}

      <UploadPanel items={uploads.items} onAdd={uploads.add} onCancel={uploads.cancel} onDismiss={uploads.dismiss} />

      {total > 0 && <MeshSearch />}

      {visible == null ? (
        <SkeletonRows />
      ) : total === 0 ? (
        <EmptyState />
      ) : (
        <>
          <p className="mb-3 text-sm text-slate-600">
            <span data-testid="files-summary" className="font-medium text-slate-900">
              {total} {total === 1 ? 'file' : 'files'}
            </span>{' '}
            <span className="text-slate-500">
              · {localCount} on this node · {total - localCount} from peers
              {unavailableCount > 0 && (
                <span data-testid="files-unavailable-count"> · {unavailableCount} unavailable (their node is offline)</span>
              )}
            </span>
          </p>
          <FileToolbar
            query={query}
            onQuery={setQuery}
            sort={sort}
            onSortKey={chooseSortKey}
            onToggleDirection={toggleDirection}
            grouped={grouped}
            onGrouped={setGrouped}
          />
          {visible.length === 0 ? (
            <p
              data-testid="files-no-match"
              className="rounded-xl border border-dashed border-slate-300 bg-white px-4 py-8 text-center text-sm text-slate-500"
            >
              No file name contains “{query.trim()}”.
            </p>
          ) : (
            <FileTable
              files={visible}
              grouped={grouped}
              sort={sort}
              onSort={sortBy}
              rowStates={rowStates}
              onTogglePin={(file) => void togglePin(file)}
              onDelete={openDelete}
              onDismissError={dismissRowError}
            />
          )}
        </>
      )}

      {target && (
        <ConfirmDialog
          testId="delete-dialog"
          title="Delete file?"
          confirmLabel="Delete"
          confirmTestId="confirm-delete"
          pending={deleting}
          error={deleteError}
          onConfirm={() => void confirmDelete()}
          onCancel={closeDelete}
        >
          <p>
            Delete <strong className="font-semibold break-all text-slate-900">{target.name}</strong> from this node? Your
            peers can no longer download it or ask about it.
          </p>
        </ConfirmDialog>
      )}
    </Page>
  )
}
