import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { ApiError } from './api/http'
import { getStatus } from './api/status'
import type { NodeStatus } from './api/types'

const FAST_POLL_MS = 3000
const SLOW_POLL_MS = 30000

interface StatusContextValue {
  status: NodeStatus | null
  error: string | null
  /** Screens that need live data (the Dashboard) register here to switch to fast polling. */
  subscribeFast: () => () => void
}

const StatusContext = createContext<StatusContextValue | null>(null)

/** Polls GET /api/status: every 3 s while a fast subscriber is mounted, otherwise every 30 s. */
export function StatusProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<NodeStatus | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [fastCount, setFastCount] = useState(0)
  const interval = fastCount > 0 ? FAST_POLL_MS : SLOW_POLL_MS

  useEffect(() => {
    let cancelled = false
    let timer: ReturnType<typeof setTimeout> | undefined
    let ctrl: AbortController | undefined

    const tick = async () => {
      ctrl = new AbortController()
      try {
        const s = await getStatus(ctrl.signal)
        if (cancelled) return
        setStatus(s)
        setError(null)
      } catch (err) {
        if (cancelled || (err instanceof DOMException && err.name === 'AbortError')) return
        if (err instanceof ApiError && err.status === 401) return // handled globally
        setError(err instanceof ApiError && err.status !== 0 ? `Status request failed: ${err.message}` : 'Cannot reach the node')
      }
      if (!cancelled) timer = setTimeout(tick, interval)
    }
    void tick()

    return () => {
      cancelled = true
      clearTimeout(timer)
      ctrl?.abort()
    }
  }, [interval])

  const subscribeFast = useCallback(() => {
    setFastCount((n) => n + 1)
    return () => setFastCount((n) => n - 1)
  }, [])

  const value = useMemo(() => ({ status, error, subscribeFast }), [status, error, subscribeFast])
  return <StatusContext.Provider value={value}>{children}</StatusContext.Provider>
}

export function useNodeStatus(options: { live?: boolean } = {}): Pick<StatusContextValue, 'status' | 'error'> {
  const ctx = useContext(StatusContext)
  if (!ctx) throw new Error('useNodeStatus must be used inside <StatusProvider>')
  const { subscribeFast } = ctx
  const live = options.live ?? false
  useEffect(() => (live ? subscribeFast() : undefined), [live, subscribeFast])
  return { status: ctx.status, error: ctx.error }
}
