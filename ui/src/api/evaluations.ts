// /api/evaluations: a short evaluation of the mesh (meshmind eval) that this node runs against itself, and its report.
import { request, unexpectedResponse } from './http'
import type { EvaluationRun } from './types'

/** GET /api/evaluations: the runs since the node started, newest first. */
export async function getEvaluations(signal?: AbortSignal): Promise<EvaluationRun[]> {
  const runs = await request<unknown>('/api/evaluations', { signal })
  if (!Array.isArray(runs)) throw unexpectedResponse()
  return runs as EvaluationRun[]
}

/** POST /api/evaluations: 202 with the run; 409 while another runs, 503 when meshmind-lab is not installed beside the node. */
export function startEvaluation(durationSeconds: number): Promise<EvaluationRun> {
  return request<EvaluationRun>('/api/evaluations', { method: 'POST', body: { duration_seconds: durationSeconds } })
}

/** POST /api/evaluations/{id}/cancel: eval stops and writes a partial report. */
export function cancelEvaluation(id: string): Promise<EvaluationRun> {
  return request<EvaluationRun>(`/api/evaluations/${encodeURIComponent(id)}/cancel`, { method: 'POST' })
}

/** The run's report.html (self-contained, no script), for a sandboxed frame or a new tab. */
export function reportUrl(id: string): string {
  return `/api/evaluations/${encodeURIComponent(id)}/report`
}

/** The run's results.json, served as a download. */
export function resultsUrl(id: string): string {
  return `/api/evaluations/${encodeURIComponent(id)}/results.json`
}
