import { useId, type ReactNode } from 'react'
import { AlertIcon } from './Icons'
import { Modal } from './Modal'
import { Spinner } from './Spinner'

/**
 * Small in-page confirmation modal (see Modal): a red warning, a message and Cancel / confirm buttons.
 * Render it only while it should be open; unmounting it closes it.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  confirmTestId,
  cancelLabel = 'Cancel',
  pending = false,
  error = null,
  onConfirm,
  onCancel,
  testId,
}: {
  title: string
  children: ReactNode
  confirmLabel: string
  confirmTestId?: string
  cancelLabel?: string
  /** While true both buttons are disabled and the dialog cannot be dismissed. */
  pending?: boolean
  error?: string | null
  onConfirm: () => void
  onCancel: () => void
  testId?: string
}) {
  const titleId = useId()
  const descId = useId()

  const dismiss = () => {
    if (!pending) onCancel()
  }

  return (
    <Modal labelledBy={titleId} describedBy={descId} pending={pending} onDismiss={onCancel} testId={testId}>
      <div className="flex items-start gap-4">
        <div className="flex h-10 w-10 shrink-0 items-center justify-center rounded-full bg-red-50 text-xl text-red-600 ring-1 ring-red-100">
          <AlertIcon />
        </div>
        <div className="min-w-0 flex-1">
          <h2 id={titleId} className="text-lg font-semibold text-slate-900">
            {title}
          </h2>
          <div id={descId} className="mt-2 text-sm text-slate-600">
            {children}
          </div>
        </div>
      </div>

      {error && (
        <div
          role="alert"
          data-testid="confirm-error"
          className="mt-4 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700"
        >
          {error}
        </div>
      )}

      <div className="mt-6 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <button
          type="button"
          autoFocus
          onClick={dismiss}
          disabled={pending}
          className="rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-700 shadow-sm transition hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:opacity-60"
        >
          {cancelLabel}
        </button>
        <button
          type="button"
          data-testid={confirmTestId}
          onClick={onConfirm}
          disabled={pending}
          aria-busy={pending}
          className="flex items-center justify-center gap-2 rounded-lg bg-red-600 px-4 py-2 text-sm font-semibold text-white shadow-sm transition hover:bg-red-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-500 disabled:cursor-wait disabled:opacity-70"
        >
          {pending && <Spinner className="h-4 w-4" />}
          <span>{confirmLabel}</span>
        </button>
      </div>
    </Modal>
  )
}
