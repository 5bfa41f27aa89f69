import { useCallback, useEffect, useRef, useState } from 'react'
import { uploadFile } from '../../api/files'
import { ApiError, isAbortError } from '../../api/http'
import type { UploadedFile } from '../../api/types'

export type UploadStatus = 'queued' | 'uploading' | 'processing' | 'done' | 'error'

/** One file given to the queue, from being added until it is stored (briefly shown as done) or fails. */
export interface UploadItem {
  id: number
  file: File
  status: UploadStatus
  /** Share of the body sent, 0–100 (100 while the node stores it). */
  percent: number
  error: string | null
}

/** How long a finished upload stays in the queue with its check mark. */
const DONE_VISIBLE_MS = 3000

let uploadSeq = 0

function uploadErrorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return 'Your session has expired; sign in again'
    return err.message || `Upload failed (${err.status})`
  }
  return 'The upload failed'
}

/**
 * Uploads files one after another, in the order they were added, with the progress of the one in
 * flight. `onUploaded` runs after each stored file. Leaving the screen aborts the upload in flight;
 * closing or reloading the tab asks first.
 */
export function useUploadQueue(onUploaded: (file: UploadedFile) => void) {
  const [items, setItems] = useState<UploadItem[]>([])
  const activeRef = useRef<{ id: number; abort: () => void } | null>(null)
  const timersRef = useRef(new Set<ReturnType<typeof setTimeout>>())
  const uploadedRef = useRef(onUploaded)
  useEffect(() => {
    uploadedRef.current = onUploaded
  }, [onUploaded])

  const patch = (id: number, change: Partial<UploadItem>) =>
    setItems((list) => list.map((item) => (item.id === id ? { ...item, ...change } : item)))
  const remove = useCallback((id: number) => setItems((list) => list.filter((item) => item.id !== id)), [])

  const add = useCallback((files: Iterable<File>) => {
    const added = Array.from(
      files,
      (file): UploadItem => ({ id: ++uploadSeq, file, status: 'queued', percent: 0, error: null }),
    )
    if (added.length > 0) setItems((list) => [...list, ...added])
  }, [])

  /** Aborts the upload in flight, or takes a waiting one out of the queue. */
  const cancel = useCallback(
    (id: number) => {
      if (activeRef.current?.id === id) activeRef.current.abort()
      else remove(id)
    },
    [remove],
  )

  // Start the next queued file whenever nothing is in flight.
  useEffect(() => {
    if (activeRef.current) return
    const next = items.find((item) => item.status === 'queued')
    if (!next) return
    const { id } = next
    const upload = uploadFile(next.file, (sent, total, done) =>
      patch(id, done ? { status: 'processing', percent: 100 } : { percent: total > 0 ? Math.min(100, Math.floor((sent * 100) / total)) : 0 }),
    )
    activeRef.current = { id, abort: upload.abort }
    patch(id, { status: 'uploading', percent: 0 })
    upload.result.then(
      (stored) => {
        activeRef.current = null
        patch(id, { status: 'done', percent: 100 })
        const timer = setTimeout(() => {
          timersRef.current.delete(timer)
          remove(id)
        }, DONE_VISIBLE_MS)
        timersRef.current.add(timer)
        uploadedRef.current(stored)
      },
      (err: unknown) => {
        activeRef.current = null
        if (isAbortError(err)) remove(id)
        else patch(id, { status: 'error', error: uploadErrorMessage(err) })
      },
    )
  }, [items, remove])

  useEffect(() => {
    const timers = timersRef.current
    return () => {
      activeRef.current?.abort()
      timers.forEach(clearTimeout)
      timers.clear()
    }
  }, [])

  const busy = items.some((item) => item.status === 'queued' || item.status === 'uploading' || item.status === 'processing')
  useEffect(() => {
    if (!busy) return
    const warn = (e: BeforeUnloadEvent) => e.preventDefault()
    window.addEventListener('beforeunload', warn)
    return () => window.removeEventListener('beforeunload', warn)
  }, [busy])

  return { items, add, cancel, dismiss: remove }
}
