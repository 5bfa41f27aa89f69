import { useEffect, useRef, useState } from 'react'

function hasFiles(e: DragEvent): boolean {
  return e.dataTransfer != null && Array.from(e.dataTransfer.types).includes('Files')
}

/**
 * Files dropped anywhere on the page go to `onFiles` (rather than the browser leaving the app to
 * open them); `dragging` is true while files are dragged over the page, so the drop zone can show.
 * Dragged text is left to the browser.
 */
export function useFileDrop(onFiles: (files: File[]) => void): boolean {
  const [dragging, setDragging] = useState(false)
  const onFilesRef = useRef(onFiles)
  useEffect(() => {
    onFilesRef.current = onFiles
  }, [onFiles])

  useEffect(() => {
    const over = (e: DragEvent) => {
      if (e.defaultPrevented || !hasFiles(e)) return
      e.preventDefault()
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'
      setDragging(true)
    }
    // relatedTarget is null when the drag leaves the window (or the dragged files are let go of outside it).
    const leave = (e: DragEvent) => {
      if (e.relatedTarget == null) setDragging(false)
    }
    const drop = (e: DragEvent) => {
      setDragging(false)
      if (e.defaultPrevented || !hasFiles(e)) return
      e.preventDefault()
      onFilesRef.current(Array.from(e.dataTransfer?.files ?? []))
    }
    const end = () => setDragging(false)
    window.addEventListener('dragenter', over)
    window.addEventListener('dragover', over)
    window.addEventListener('dragleave', leave)
    window.addEventListener('drop', drop)
    window.addEventListener('dragend', end)
    return () => {
      window.removeEventListener('dragenter', over)
      window.removeEventListener('dragover', over)
      window.removeEventListener('dragleave', leave)
      window.removeEventListener('drop', drop)
      window.removeEventListener('dragend', end)
    }
  }, [])

  return dragging
}
