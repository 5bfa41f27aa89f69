// The Evaluate screen's logic: what a duration field may hold, how far a run is, and how to say where it stands.
import type { EvaluationRun } from '../api/types'

export const MIN_SECONDS = 10
export const MAX_SECONDS = 300

/** The load phase's length from the duration field: whole seconds, 10–300, or a message saying what to type. */
export function parseDuration(text: string): { seconds: number } | { error: string } {
  const trimmed = text.trim()
  if (!/^\d+$/.test(trimmed)) return { error: `Type a whole number of seconds, ${MIN_SECONDS} to ${MAX_SECONDS}` }
  const seconds = Number(trimmed)
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) return { error: `Choose ${MIN_SECONDS} to ${MAX_SECONDS} seconds` }
  return { seconds }
}

/** How far the run is, 0–100: its time through eval's idle and load phases (0 while eval prepares, 100 once it completed). */
export function progressPercent(run: EvaluationRun): number {
  if (run.state === 'completed') return 100
  if (run.total_seconds <= 0) return 0
  return Math.max(0, Math.min(100, Math.round((run.elapsed_seconds / run.total_seconds) * 100)))
}

/** A person's words for where a run stands. */
export function describeRun(run: EvaluationRun): string {
  switch (run.state) {
    case 'running':
      switch (run.phase) {
        case 'starting':
          return 'Starting meshmind-lab…'
        case 'preparing':
          return 'Checking the mesh and uploading probe files…'
        case 'idle':
          return 'Idle phase: measuring the mesh at rest'
        case 'load':
          return 'Load phase: files, downloads and chats through this node'
        default:
          return 'Running…'
      }
    case 'completed':
      return 'Completed'
    case 'partial':
      return `Stopped early: ${run.error ?? 'see the partial report'}`
    case 'cancelled':
      return run.error ? `Cancelled: ${run.error}` : 'Cancelled'
    default:
      return `Failed: ${run.error ?? 'no reason given'}`
  }
}

/** The run to show: the running one, else the newest (runs come newest first). */
export function currentRun(runs: EvaluationRun[] | null): EvaluationRun | null {
  if (!runs || runs.length === 0) return null
  return runs.find((r) => r.state === 'running') ?? runs[0]
}
