import { useEffect, useId, useRef, useState } from 'react'
import { MoreIcon } from '../../components/Icons'
import { Spinner } from '../../components/Spinner'

/**
 * The "⋯" menu of a peer's row, holding the actions that cut it off (so a stray click cannot): Revoke…, which opens the
 * confirmation. Escape or a click elsewhere closes it and focus returns to the button. It opens beside the button, not
 * below it, so the table's rounded card (overflow hidden) never clips it on the last row.
 * Test ids: `peer-menu` (the button; `aria-expanded`), `peer-menu-items`, `peer-revoke` (the item).
 */
export function PeerMenu({ name, pending, onRevoke }: { name: string; pending: boolean; onRevoke: () => void }) {
  const [open, setOpen] = useState(false)
  const menuId = useId()
  const buttonRef = useRef<HTMLButtonElement>(null)
  const menuRef = useRef<HTMLDivElement>(null)

  useEffect(() => {
    if (!open) return
    menuRef.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus()
    const outside = (e: PointerEvent) => {
      const target = e.target as Node
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false)
    }
    document.addEventListener('pointerdown', outside)
    return () => document.removeEventListener('pointerdown', outside)
  }, [open])

  const close = () => {
    setOpen(false)
    buttonRef.current?.focus()
  }

  return (
    <div className="relative inline-block text-left">
      <button
        ref={buttonRef}
        type="button"
        data-testid="peer-menu"
        aria-label={`Actions for ${name}`}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        disabled={pending}
        onClick={() => setOpen((o) => !o)}
        className="inline-flex h-8 w-8 items-center justify-center rounded-lg border border-slate-200 bg-white text-lg text-slate-600 shadow-sm transition hover:bg-slate-50 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:cursor-wait disabled:opacity-60"
      >
        {pending ? <Spinner className="h-3.5 w-3.5" /> : <MoreIcon />}
      </button>
      {open && (
        <div
          ref={menuRef}
          id={menuId}
          role="menu"
          aria-label={`Actions for ${name}`}
          data-testid="peer-menu-items"
          onKeyDown={(e) => {
            if (e.key === 'Escape' || e.key === 'Tab') {
              e.preventDefault()
              close()
            }
          }}
          className="absolute top-1/2 left-full z-20 ml-2 w-44 -translate-y-1/2 rounded-lg border border-slate-200 bg-white py-1 text-left shadow-lg md:right-full md:left-auto md:mr-2 md:ml-0"
        >
          <button
            type="button"
            role="menuitem"
            data-testid="peer-revoke"
            onClick={() => {
              setOpen(false)
              onRevoke()
            }}
            className="block w-full px-3 py-2 text-left text-sm font-medium text-red-700 hover:bg-red-50 focus:bg-red-50 focus:outline-none dark:focus:bg-red-950"
          >
            Revoke…
          </button>
        </div>
      )}
    </div>
  )
}
