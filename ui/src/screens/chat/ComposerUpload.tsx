import { AlertIcon, CloseIcon } from '../../components/Icons'
import { Spinner } from '../../components/Spinner'
import { formatBytes } from '../../lib/format'
import type { UploadItem } from '../files/useUploadQueue'
import { UploadProgressBar } from '../../components/UploadProgressBar'

/**
 * The composer's view of a file on its way to this node's shared files: a progress bar with
 * Cancel, or why the node refused it (with Dismiss). A stored file is shown as the attachment
 * instead, by the Composer.
 *
 * Test ids: `chat-upload-progress` (a progressbar with `data-percent` 0–100 and `data-name`; 100
 * while the node stores the file), `chat-upload-cancel`, `chat-upload-error` (`data-name`, the
 * node's reason), `chat-upload-dismiss`.
 */
export function ComposerUpload({ item, onCancel, onDismiss }: {
  item: UploadItem
  onCancel: (id: number) => void
  onDismiss: (id: number) => void
}) {
  const { file } = item
  if (item.status === 'error') {
    return (
      <div
        role="alert"
        data-testid="chat-upload-error"
        data-name={file.name}
        className="flex items-start gap-2.5 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm"
      >
        <AlertIcon className="mt-0.5 shrink-0 text-base text-red-600" />
        <div className="min-w-0 flex-1">
          <p className="truncate font-medium text-red-800" title={file.name}>
            {file.name} was not attached
          </p>
          <p className="mt-0.5 text-red-700">{item.error}</p>
        </div>
        <button
          type="button"
          data-testid="chat-upload-dismiss"
          aria-label={`Dismiss the error for ${file.name}`}
          onClick={() => onDismiss(item.id)}
          className="shrink-0 rounded-md p-1 text-red-500 hover:bg-red-100 hover:text-red-700 focus-visible:outline-2 focus-visible:outline-red-500"
        >
          <CloseIcon />
        </button>
      </div>
    )
  }

  const processing = item.status === 'processing'
  return (
    <div className="flex items-center gap-2.5 rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm">
      <Spinner className="h-4 w-4 shrink-0 text-sky-500" />
      <div className="min-w-0 flex-1">
        <p className="flex min-w-0 items-baseline gap-2">
          <span className="min-w-0 truncate font-medium text-slate-800" title={file.name}>
            {file.name}
          </span>
          <span className="shrink-0 text-xs text-slate-500 tabular-nums">{formatBytes(file.size)}</span>
          <span aria-hidden="true" className="ml-auto shrink-0 text-xs text-slate-500 tabular-nums">
            {item.status === 'queued' ? 'Waiting…' : processing ? 'Saving…' : `${item.percent}%`}
          </span>
        </p>
        <UploadProgressBar name={file.name} percent={item.percent} processing={processing} label={`Uploading ${file.name} to attach it`} testId="chat-upload-progress" />
      </div>
      <button
        type="button"
        data-testid="chat-upload-cancel"
        aria-label={`Cancel uploading ${file.name}`}
        onClick={() => onCancel(item.id)}
        className="shrink-0 rounded-lg border border-red-200 bg-white px-2.5 py-1 text-xs font-semibold text-red-700 transition hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-500"
      >
        Cancel
      </button>
    </div>
  )
}
