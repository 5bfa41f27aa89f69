import { useEffect, useRef, type ReactNode } from 'react'
import { CloseIcon, ConversationsIcon } from '../../components/Icons'
import { useMediaQuery } from '../../useMediaQuery'

/** Tailwind's `lg` breakpoint: from here the conversation list is a column beside the chat. */
const WIDE = '(min-width: 64rem)'

/** Whether the conversation list has room beside the chat (else it lives in a drawer). */
export function useWideChat(): boolean {
  return useMediaQuery(WIDE)
}

/**
 * Where the conversation list goes: beside the chat on wide screens; on narrow ones (a phone) in a
 * drawer from the left, opened by ConversationsButton, so the chat and its composer keep the
 * whole screen. The drawer is a modal <dialog> (focus stays in it, Escape and the backdrop close
 * it), and closes by itself when another conversation is opened (`closeKey` changes).
 *
 * Test ids: `chat-conversations-drawer`, `chat-conversations-close`.
 */
export function ConversationPane({ wide, open, onClose, closeKey, children }: {
  wide: boolean
  open: boolean
  onClose: () => void
  closeKey: unknown
  children: ReactNode
}) {
  const ref = useRef<HTMLDialogElement>(null)
  const drawer = !wide && open

  useEffect(() => {
    const dialog = ref.current
    if (drawer && dialog && !dialog.open) dialog.showModal()
  }, [drawer])

  const closeRef = useRef(onClose)
  useEffect(() => {
    closeRef.current = onClose
  }, [onClose])
  const firstKey = useRef(closeKey)
  useEffect(() => {
    if (firstKey.current === closeKey) return
    firstKey.current = closeKey
    closeRef.current()
  }, [closeKey])

  if (wide) return children
  if (!drawer) return null
  return (
    <dialog
      ref={ref}
      data-testid="chat-conversations-drawer"
      aria-label="Conversations"
      onCancel={(e) => {
        e.preventDefault()
        onClose()
      }}
      onClose={onClose}
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose()
      }}
      className="fixed inset-y-0 left-0 m-0 h-dvh max-h-none w-80 max-w-[85vw] bg-transparent p-0 backdrop:bg-slate-900/40"
    >
      <div className="flex h-full flex-col gap-2 bg-slate-50 p-2 [&>section]:max-h-none [&>section]:flex-1">
        <button
          type="button"
          data-testid="chat-conversations-close"
          onClick={onClose}
          className="inline-flex items-center gap-1.5 self-end rounded-lg px-2.5 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-500"
        >
          <CloseIcon />
          Close
        </button>
        {children}
      </div>
    </dialog>
  )
}

/** Opens the conversation drawer on narrow screens. Test id: `chat-conversations-open`. */
export function ConversationsButton({ onClick }: { onClick: () => void }) {
  return (
    <button
      type="button"
      data-testid="chat-conversations-open"
      onClick={onClick}
      aria-haspopup="dialog"
      className="inline-flex shrink-0 items-center gap-1.5 rounded-lg border border-slate-300 bg-white px-2.5 py-1.5 text-xs font-semibold text-slate-700 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500"
    >
      <ConversationsIcon className="text-sm" />
      Conversations
    </button>
  )
}
