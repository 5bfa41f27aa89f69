import { useEffect, useRef } from 'react'

/**
 * While an answer streams, Escape anywhere on the Chat screen stops it, as the Stop button does,
 * unless something else used the key (a menu closing) or a dialog is open (Escape closes it).
 */
export function useEscapeToStop(streaming: boolean, onStop: () => void) {
  const stopRef = useRef(onStop)
  useEffect(() => {
    stopRef.current = onStop
  }, [onStop])

  useEffect(() => {
    if (!streaming) return
    const onKeyDown = (e: KeyboardEvent) => {
      // At keydown a dialog that Escape is about to close is still open.
      if (!escapeStops(e, document.querySelector('dialog[open]') != null)) return
      e.preventDefault()
      stopRef.current()
    }
    document.addEventListener('keydown', onKeyDown)
    return () => document.removeEventListener('keydown', onKeyDown)
  }, [streaming])
}

/**
 * Whether a key press should stop the streaming answer: Escape that nothing else handled, not
 * ending an IME composition, and with no dialog open (Escape closes the dialog then).
 */
export function escapeStops(key: { key: string; defaultPrevented: boolean; isComposing: boolean }, dialogOpen: boolean): boolean {
  return key.key === 'Escape' && !key.defaultPrevented && !key.isComposing && !dialogOpen
}
