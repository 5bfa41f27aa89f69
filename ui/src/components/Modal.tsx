import { useEffect, useRef, type ReactNode } from 'react'
import { m } from 'framer-motion'

/**
 * In-page modal built on the native <dialog> (top layer, focus trap, Escape, backdrop click).
 * Render it only while it should be open; unmounting it closes it. While `pending` is true it
 * cannot be dismissed.
 */
export function Modal({
  labelledBy,
  describedBy,
  pending = false,
  onDismiss,
  testId,
  children,
}: {
  labelledBy: string
  describedBy?: string
  pending?: boolean
  onDismiss: () => void
  testId?: string
  children: ReactNode
}) {
  const ref = useRef<HTMLDialogElement>(null)

  useEffect(() => {
    const dialog = ref.current
    if (!dialog || dialog.open) return
    if (typeof dialog.showModal === 'function') dialog.showModal()
    else dialog.setAttribute('open', '')
  }, [])

  const dismiss = () => {
    if (!pending) onDismiss()
  }

  return (
    <dialog
      ref={ref}
      data-testid={testId}
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      aria-busy={pending}
      // Escape: close through React state (and not at all while the request is in flight).
      onCancel={(e) => {
        e.preventDefault()
        dismiss()
      }}
      // The browser may still force-close the dialog (e.g. a repeated Escape); keep React in sync.
      onClose={(e) => {
        const dialog = e.currentTarget
        if (!dialog.isConnected || dialog.open) return
        if (pending) dialog.showModal()
        else onDismiss()
      }}
      // A click on the dialog element itself is a click on the backdrop (the content fills the box).
      onClick={(e) => {
        if (e.target === e.currentTarget) dismiss()
      }}
      className="m-auto w-[calc(100%-2rem)] max-w-md overflow-visible bg-transparent p-0 text-slate-900 backdrop:bg-slate-900/40 backdrop:backdrop-blur-[1px]"
    >
      <m.div
        initial={{ opacity: 0, scale: 0.96, y: 6 }}
        animate={{ opacity: 1, scale: 1, y: 0 }}
        transition={{ duration: 0.15, ease: 'easeOut' }}
        className="rounded-2xl border border-slate-200 bg-white p-6 shadow-xl"
      >
        {children}
      </m.div>
    </dialog>
  )
}
