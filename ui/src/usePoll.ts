import { useCallback, useEffect, useRef, useState } from 'react'
import { ApiError, isAbortError } from './api/http'

export type Fetcher<T> = (signal: AbortSignal) => Promise<T>

export interface Poll<T> {
  /** Last good result; null until the first success (and again after `fetcher` changes). */
  data: T | null
  /** Message for a <RetryingBanner>; null after a success. */
  error: string | null
  /** Date.now() of the last success. */
  updatedAt: number | null
  /** Fetch now (superseding the scheduled poll and any request in flight). */
  refresh: () => void
  /** Change the held data locally (optimistic update) until the next poll replaces it. */
  mutate: (update: (data: T) => T) => void
}

interface State<T> {
  source: Fetcher<T> | null
  data: T | null
  error: string | null
  updatedAt: number | null
}

/**
 * Calls `fetcher` now and then every `intervalMs` while mounted, keeping the last good result
 * when a call fails (and retrying). Pass a stable fetcher (module function or useCallback):
 * a new fetcher starts over with no data; null pauses polling.
 * `failure` prefixes server errors, e.g. "Peer list request failed: …".
 */
export function usePoll<T>(fetcher: Fetcher<T> | null, intervalMs: number, failure: string): Poll<T> {
  const [state, setState] = useState<State<T>>({ source: null, data: null, error: null, updatedAt: null })
  const refreshRef = useRef<() => void>(() => {})

  useEffect(() => {
    if (!fetcher) return
    let cancelled = false
    let timer: ReturnType<typeof setTimeout> | undefined
    let current: AbortController | undefined

    const tick = async () => {
      clearTimeout(timer)
      current?.abort()
      const ctrl = new AbortController()
      current = ctrl
      try {
        const data = await fetcher(ctrl.signal)
        if (cancelled || ctrl !== current) return
        setState({ source: fetcher, data, error: null, updatedAt: Date.now() })
      } catch (err) {
        if (cancelled || ctrl !== current || isAbortError(err)) return
        if (err instanceof ApiError && err.status === 401) return // handled globally (back to login)
        const error =
          err instanceof ApiError && err.status !== 0
            ? `${failure}: ${err.message}`
            : err instanceof ApiError
              ? 'Cannot reach the node'
              : `${failure}: unexpected response`
        setState((s) =>
          s.source === fetcher ? { ...s, error } : { source: fetcher, data: null, error, updatedAt: null },
        )
      }
      if (!cancelled && ctrl === current) timer = setTimeout(tick, intervalMs)
    }

    refreshRef.current = () => void tick()
    void tick()

    return () => {
      cancelled = true
      clearTimeout(timer)
      current?.abort()
      refreshRef.current = () => {}
    }
  }, [fetcher, intervalMs, failure])

  const refresh = useCallback(() => refreshRef.current(), [])
  const mutate = useCallback(
    (update: (data: T) => T) =>
      setState((s) => (s.source === fetcher && s.data != null ? { ...s, data: update(s.data) } : s)),
    [fetcher],
  )

  const fresh = fetcher != null && state.source === fetcher
  return {
    data: fresh ? state.data : null,
    error: fresh ? state.error : null,
    updatedAt: fresh ? state.updatedAt : null,
    refresh,
    mutate,
  }
}
