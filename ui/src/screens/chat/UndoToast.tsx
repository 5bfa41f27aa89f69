import type { PendingDelete } from './useDeleteWithUndo'

/** "Deleted …  Undo" while a delete waits. Test ids: `chat-undo-toast`, `chat-undo`. */
export function UndoToast({ pending, onUndo }: { pending: PendingDelete | null; onUndo: () => void }) {
  return (
    <div aria-live="polite" className="pointer-events-none fixed inset-x-0 bottom-6 z-40 flex justify-center px-4">
      {pending && (
        <div
          data-testid="chat-undo-toast"
          className="pointer-events-auto flex max-w-md items-center gap-4 rounded-xl bg-slate-900 px-4 py-3 text-sm text-white shadow-lg"
        >
          <span className="min-w-0 truncate">Deleted “{pending.title}”</span>
          <button
            type="button"
            data-testid="chat-undo"
            onClick={onUndo}
            className="shrink-0 rounded-md px-2 py-1 font-semibold text-sky-300 hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-sky-400"
          >
            Undo
          </button>
        </div>
      )}
    </div>
  )
}
