import { useCallback, useEffect, useRef, useState } from 'react'
import { ApiError, isAbortError } from '../../api/http'
import { foldPull, PULL_START, pullModel, type PullState } from '../../api/models'

/** A pull that runs or ran: what and where, and how far it got. */
export interface Pull extends PullState {
  model: string
  nodeName: string
}

/**
 * Runs one pull at a time from this screen (POST /api/models/pull), folding its progress lines into state; `onFinished`
 * runs once it succeeded (to read the inventory again). Leaving the screen stops following it (the node's pull goes on
 * only while someone reads it, as Ollama's does).
 */
export function usePull(onFinished: () => void) {
  const [pull, setPull] = useState<Pull | null>(null)
  const abort = useRef<AbortController | null>(null)
  useEffect(() => () => abort.current?.abort(), [])

  const start = useCallback(
    async (model: string, nodeId: string, nodeName: string) => {
      abort.current?.abort()
      const ctrl = new AbortController()
      abort.current = ctrl
      let state: Pull = { ...PULL_START, model, nodeName }
      setPull(state)
      try {
        for await (const line of pullModel(model, nodeId, ctrl.signal)) {
          state = { ...state, ...foldPull(state, line) }
          setPull(state)
        }
        if (!state.done) state = { ...state, done: true, error: 'The pull stopped before the node said it succeeded' }
      } catch (err) {
        if (isAbortError(err)) return
        const message = err instanceof ApiError ? (err.status === 0 ? 'Could not reach the node' : err.message) : String(err)
        state = { ...state, done: true, error: message }
      }
      setPull(state)
      if (!state.error) onFinished()
    },
    [onFinished],
  )

  return { pull, start, running: pull != null && !pull.done }
}
