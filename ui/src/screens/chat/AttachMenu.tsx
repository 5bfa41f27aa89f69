import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react'
import { FilesIcon, PaperclipIcon, UploadIcon } from '../../components/Icons'

const ITEM =
  'flex w-full items-center gap-2.5 rounded-lg px-3 py-2 text-left text-sm font-medium text-slate-800 transition hover:bg-sky-50 focus-visible:outline-2 focus-visible:outline-sky-500'

/**
 * The composer's paperclip: a menu of where the attachment comes from, "From your computer" (the
 * OS file picker) or "Shared files" (the mesh's files). Arrow keys move between the two; Escape,
 * Tab or a click elsewhere closes it.
 *
 * Test ids: `chat-attach` (the button), `chat-attach-menu`, `chat-attach-computer`, `chat-attach-shared`.
 */
export function AttachMenu({ onComputer, onShared }: { onComputer: () => void; onShared: () => void }) {
  const [open, setOpen] = useState(false)
  const menuId = useId()
  const rootRef = useRef<HTMLDivElement>(null)
  const buttonRef = useRef<HTMLButtonElement>(null)
  const menuRef = useRef<HTMLDivElement>(null)

  const items = () => Array.from(menuRef.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])

  useEffect(() => {
    if (!open) return
    items()[0]?.focus()
    const onPointerDown = (e: PointerEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false)
    }
    document.addEventListener('pointerdown', onPointerDown)
    return () => document.removeEventListener('pointerdown', onPointerDown)
  }, [open])

  const close = () => {
    setOpen(false)
    buttonRef.current?.focus()
  }

  const choose = (action: () => void) => {
    setOpen(false)
    action()
  }

  const onMenuKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const list = items()
    const at = list.indexOf(document.activeElement as HTMLButtonElement)
    if (e.key === 'Escape') {
      // Handled here: the Chat screen's Escape (stop the answer) must not also fire.
      e.preventDefault()
      close()
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      const step = e.key === 'ArrowDown' ? 1 : -1
      list[(at + step + list.length) % list.length]?.focus()
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault()
      list[e.key === 'Home' ? 0 : list.length - 1]?.focus()
    } else if (e.key === 'Tab') {
      setOpen(false)
    }
  }

  return (
    <div ref={rootRef} className="relative shrink-0">
      <button
        ref={buttonRef}
        type="button"
        data-testid="chat-attach"
        aria-label="Attach a file"
        title="Attach a file"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen((o) => !o)}
        className="flex h-11 w-11 items-center justify-center rounded-lg border border-slate-300 bg-white text-lg text-slate-500 shadow-sm transition hover:bg-slate-50 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500"
      >
        <PaperclipIcon />
      </button>
      {open && (
        <div
          ref={menuRef}
          id={menuId}
          role="menu"
          aria-label="Attach a file"
          data-testid="chat-attach-menu"
          onKeyDown={onMenuKeyDown}
          className="absolute bottom-full left-0 z-20 mb-2 w-56 rounded-xl border border-slate-200 bg-white p-1.5 shadow-lg"
        >
          <button type="button" role="menuitem" data-testid="chat-attach-computer" onClick={() => choose(onComputer)} className={ITEM}>
            <UploadIcon className="shrink-0 text-base text-slate-500" />
            From your computer
          </button>
          <button type="button" role="menuitem" data-testid="chat-attach-shared" onClick={() => choose(onShared)} className={ITEM}>
            <FilesIcon className="shrink-0 text-base text-slate-500" />
            Shared files
          </button>
        </div>
      )}
    </div>
  )
}
