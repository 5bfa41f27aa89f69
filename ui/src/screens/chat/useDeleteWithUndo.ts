import { useCallback, useEffect, useRef, useState } from 'react'
import { deleteConversation } from '../../api/conversations'

/** How long "Undo" is offered before the conversation is deleted on the node. */
export const UNDO_MS = 6000

export interface PendingDelete {
  id: string
  title: string
}

/**
 * Delete with undo: the conversation leaves the list at once, and the DELETE is sent only when the
 * undo window closes (or sooner: another delete, leaving the Chat screen, or the page going away,
 * when it is sent with keepalive). Undo within the window and nothing was ever deleted.
 */
export function useDeleteWithUndo(onDeleted: () => void) {
  const [pending, setPending] = useState<PendingDelete | null>(null)
  const [error, setError] = useState<string | null>(null)
  const pendingRef = useRef<PendingDelete | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const deletedRef = useRef(onDeleted)
  useEffect(() => {
    deletedRef.current = onDeleted
  }, [onDeleted])

  const settle = useCallback((keepalive: boolean) => {
    const item = pendingRef.current
    clearTimeout(timer.current)
    pendingRef.current = null
    setPending(null)
    if (!item) return
    deleteConversation(item.id, keepalive)
      .then(() => deletedRef.current())
      .catch((err: unknown) => setError(`Could not delete “${item.title}”: ${err instanceof Error ? err.message : 'the request failed'}`))
  }, [])

  const remove = useCallback(
    (item: PendingDelete) => {
      settle(false)
      setError(null)
      pendingRef.current = item
      setPending(item)
      timer.current = setTimeout(() => settle(false), UNDO_MS)
    },
    [settle],
  )

  const undo = useCallback(() => {
    clearTimeout(timer.current)
    pendingRef.current = null
    setPending(null)
  }, [])

  useEffect(() => {
    const onPageHide = () => settle(true)
    window.addEventListener('pagehide', onPageHide)
    return () => {
      window.removeEventListener('pagehide', onPageHide)
      settle(true) // leaving the Chat screen ends the undo window
    }
  }, [settle])

  return { pending, error, remove, undo }
}
