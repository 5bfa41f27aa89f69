import { useEffect, useId, useRef, useState, type DragEvent } from 'react'
import { AnimatePresence, m } from 'framer-motion'
import { formatBytes } from '../../lib/format'
import { AlertIcon, CheckIcon, CloseIcon, FileIcon, UploadIcon } from '../../components/Icons'
import { Spinner } from '../../components/Spinner'
import type { UploadItem } from './useUploadQueue'
import { UploadProgressBar } from '../../components/UploadProgressBar'

function hasFiles(e: { dataTransfer: DataTransfer | null }): boolean {
  return e.dataTransfer != null && Array.from(e.dataTransfer.types).includes('Files')
}

/**
 * Upload area of the Shared Files screen: a drop zone with a "Choose files" button, and below it
 * the queue (files upload one at a time, in the order they were added).
 *
 * Test ids: `files-dropzone` (drop files on it; `data-dragging="true"` while files are dragged over
 * it), `files-input` (the visually hidden <input type="file" multiple>, opened by `files-pick`),
 * `files-upload-progress` (one per upload in flight: a progressbar with `data-percent` 0–100 and
 * `data-name`; 100 while the node stores the file), `files-upload-cancel` (aborts that upload),
 * `files-upload-queued` (a file waiting its turn, `data-name`; `files-upload-remove` takes it out),
 * `files-upload-error` (a failed upload, `data-name`, with the node's message;
 * `files-upload-dismiss` hides it), `files-upload-done` (shown for a few seconds after success).
 */
export function UploadPanel({
  items,
  onAdd,
  onCancel,
  onDismiss,
}: {
  items: UploadItem[]
  onAdd: (files: File[]) => void
  onCancel: (id: number) => void
  onDismiss: (id: number) => void
}) {
  const inputRef = useRef<HTMLInputElement>(null)
  const inputId = useId()
  const hintId = useId()
  const [dragging, setDragging] = useState(false)

  // A file dropped beside the zone must not make the browser leave the app to open it.
  useEffect(() => {
    const guard = (e: globalThis.DragEvent) => {
      if (e.defaultPrevented || !hasFiles(e)) return
      e.preventDefault()
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'none'
    }
    window.addEventListener('dragover', guard)
    window.addEventListener('drop', guard)
    return () => {
      window.removeEventListener('dragover', guard)
      window.removeEventListener('drop', guard)
    }
  }, [])

  const onDragOver = (e: DragEvent<HTMLDivElement>) => {
    if (!hasFiles(e)) return
    e.preventDefault()
    e.dataTransfer.dropEffect = 'copy'
    setDragging(true)
  }

  const onDragLeave = (e: DragEvent<HTMLDivElement>) => {
    if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false)
  }

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    if (!hasFiles(e)) return
    e.preventDefault()
    setDragging(false)
    onAdd(Array.from(e.dataTransfer.files))
  }

  return (
    <section aria-label="Upload files" className="mb-8">
      <div
        data-testid="files-dropzone"
        data-dragging={dragging ? 'true' : 'false'}
        onDragEnter={onDragOver}
        onDragOver={onDragOver}
        onDragLeave={onDragLeave}
        onDrop={onDrop}
        className={`flex flex-col items-center justify-center gap-3 rounded-2xl border-2 border-dashed px-6 py-8 text-center transition-colors sm:flex-row sm:gap-5 sm:text-left ${
          dragging ? 'border-sky-500 bg-sky-50' : 'border-slate-300 bg-white'
        }`}
      >
        <div
          aria-hidden="true"
          className={`flex h-12 w-12 shrink-0 items-center justify-center rounded-xl text-2xl transition-colors ${
            dragging ? 'bg-sky-700 text-white' : 'bg-slate-100 text-slate-500'
          }`}
        >
          <UploadIcon />
        </div>
        <div className="min-w-0">
          <p className="text-sm font-semibold text-slate-900">{dragging ? 'Drop to share' : 'Drop files here to share them'}</p>
          <p id={hintId} className="mt-0.5 text-sm text-slate-500">
            Every node of your mesh can then read them, download them and ask its LLM about them.
          </p>
        </div>
        <div className="sm:ml-auto">
          <label htmlFor={inputId} className="sr-only">
            Files to share
          </label>
          <input
            ref={inputRef}
            id={inputId}
            data-testid="files-input"
            type="file"
            multiple
            tabIndex={-1}
            className="sr-only"
            onChange={(e) => {
              const chosen = e.currentTarget.files
              if (chosen && chosen.length > 0) onAdd(Array.from(chosen))
              e.currentTarget.value = '' // choosing the same file again still fires change
            }}
          />
          <button
            type="button"
            data-testid="files-pick"
            aria-describedby={hintId}
            onClick={() => inputRef.current?.click()}
            className="inline-flex items-center gap-2 rounded-lg bg-sky-700 px-4 py-2 text-sm font-semibold whitespace-nowrap text-white shadow-sm transition hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500"
          >
            <UploadIcon />
            Choose files
          </button>
        </div>
      </div>

      {items.length > 0 && (
        <ul aria-label="Uploads" className="mt-3 space-y-2">
          <AnimatePresence initial={false}>
            {items.map((item) => (
              <m.li
                key={item.id}
                initial={{ opacity: 0, y: -4 }}
                animate={{ opacity: 1, y: 0 }}
                exit={{ opacity: 0 }}
                transition={{ duration: 0.15, ease: 'easeOut' }}
              >
                <UploadRow item={item} onCancel={onCancel} onDismiss={onDismiss} />
              </m.li>
            ))}
          </AnimatePresence>
        </ul>
      )}
    </section>
  )
}

const ROW = 'flex items-center gap-3 rounded-xl border px-4 py-3 text-sm shadow-sm'
const SMALL_BUTTON =
  'shrink-0 rounded-lg border px-2.5 py-1 text-xs font-semibold transition focus-visible:outline-2 focus-visible:outline-offset-2'

function UploadRow({ item, onCancel, onDismiss }: {
  item: UploadItem
  onCancel: (id: number) => void
  onDismiss: (id: number) => void
}) {
  const { file } = item
  const name = (
    <span className="min-w-0 truncate font-medium text-slate-800" title={file.name}>
      {file.name}
    </span>
  )
  const size = <span className="shrink-0 text-xs text-slate-400 tabular-nums">{formatBytes(file.size)}</span>

  if (item.status === 'error') {
    return (
      <div
        role="alert"
        data-testid="files-upload-error"
        data-name={file.name}
        className={`${ROW} items-start border-red-200 bg-red-50`}
      >
        <AlertIcon className="mt-0.5 shrink-0 text-base text-red-600" />
        <div className="min-w-0 flex-1">
          <p className="flex min-w-0 items-baseline gap-2">
            {name}
            {size}
          </p>
          <p className="mt-0.5 text-red-700">{item.error}</p>
        </div>
        <button
          type="button"
          data-testid="files-upload-dismiss"
          aria-label={`Dismiss the error for ${file.name}`}
          onClick={() => onDismiss(item.id)}
          className="shrink-0 rounded-md p-1 text-red-500 hover:bg-red-100 hover:text-red-700 focus-visible:outline-2 focus-visible:outline-red-500"
        >
          <CloseIcon />
        </button>
      </div>
    )
  }

  if (item.status === 'done') {
    return (
      <div data-testid="files-upload-done" data-name={file.name} className={`${ROW} border-emerald-200 bg-emerald-50`}>
        <CheckIcon className="shrink-0 text-base text-emerald-600" />
        {name}
        {size}
        <span className="ml-auto shrink-0 text-xs font-medium text-emerald-700">Shared</span>
      </div>
    )
  }

  if (item.status === 'queued') {
    return (
      <div data-testid="files-upload-queued" data-name={file.name} className={`${ROW} border-slate-200 bg-white`}>
        <FileIcon className="shrink-0 text-base text-slate-400" />
        {name}
        {size}
        <span className="ml-auto shrink-0 text-xs text-slate-500">Waiting…</span>
        <button
          type="button"
          data-testid="files-upload-remove"
          aria-label={`Remove ${file.name} from the queue`}
          onClick={() => onCancel(item.id)}
          className={`${SMALL_BUTTON} border-slate-300 bg-white text-slate-700 hover:bg-slate-50 focus-visible:outline-sky-500`}
        >
          Remove
        </button>
      </div>
    )
  }

  const processing = item.status === 'processing'
  return (
    <div className={`${ROW} border-slate-200 bg-white`}>
      <Spinner className="h-4 w-4 shrink-0 text-sky-500" />
      <div className="min-w-0 flex-1">
        <p className="flex min-w-0 items-baseline gap-2">
          {name}
          {size}
          <span aria-hidden="true" className="ml-auto shrink-0 text-xs text-slate-500 tabular-nums">
            {processing ? 'Saving…' : `${item.percent}%`}
          </span>
        </p>
        <UploadProgressBar name={file.name} percent={item.percent} processing={processing} label={`Uploading ${file.name}`} testId="files-upload-progress" />
      </div>
      <button
        type="button"
        data-testid="files-upload-cancel"
        aria-label={`Cancel uploading ${file.name}`}
        onClick={() => onCancel(item.id)}
        className={`${SMALL_BUTTON} border-red-200 bg-white text-red-700 hover:bg-red-50 focus-visible:outline-red-500`}
      >
        Cancel
      </button>
    </div>
  )
}
