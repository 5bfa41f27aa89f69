// /api/models: the mesh's models, pulling one onto a node and deleting one from a node.
import { request, send, unexpectedResponse } from './http'
import { ndjsonLines } from './ndjson'
import type { ModelEntry, ModelInfo, ModelNode, ModelProgressLine } from './types'

/** GET /api/models: every model on every node, by name and digest (empty: no LLM anywhere). */
export async function getInventory(signal?: AbortSignal): Promise<ModelEntry[]> {
  const data = await request<unknown>('/api/models', { signal })
  if (!Array.isArray(data)) throw unexpectedResponse()
  return data as ModelEntry[]
}

/** The inventory by name: entries that differ only in digest are one model, with every node that has either. */
export function modelsByName(entries: ModelEntry[]): ModelInfo[] {
  const byName = new Map<string, ModelInfo>()
  for (const entry of entries) {
    let model = byName.get(entry.name)
    if (!model) {
      model = { name: entry.name, nodes: [] }
      byName.set(entry.name, model)
    }
    for (const node of entry.nodes ?? []) {
      if (!model.nodes.some((n) => n.node_id === node.node_id)) model.nodes.push(node)
    }
  }
  return [...byName.values()]
}

/** Every model some node of the mesh serves, by name (empty: no LLM anywhere). */
export async function getModels(signal?: AbortSignal): Promise<ModelInfo[]> {
  return modelsByName(await getInventory(signal))
}

/** The nodes of a model, this node first. */
export function nodesOf(model: ModelInfo | undefined): ModelNode[] {
  return model?.nodes ?? []
}

/**
 * POST /api/models/pull: yields Ollama's progress lines as the node relays them; the last is `{status: "success"}` or
 * `{error}`. A refusal before the pull starts (bad name, unknown node, no Ollama there) throws an ApiError.
 */
export async function* pullModel(model: string, nodeId: string, signal: AbortSignal): AsyncGenerator<ModelProgressLine, void, undefined> {
  const res = await send('/api/models/pull', {
    method: 'POST',
    body: { model, node_id: nodeId },
    accept: 'application/x-ndjson, application/json',
    signal,
  })
  for await (const line of ndjsonLines(res, signal)) {
    const parsed = parseProgressLine(line)
    if (parsed) yield parsed
  }
}

/** DELETE /api/models/{node_id}/{model} (204; 404 when the node or the model is not there). */
export function deleteModel(nodeId: string, model: string): Promise<void> {
  return request<void>(`/api/models/${encodeURIComponent(nodeId)}/${encodeURIComponent(model)}`, { method: 'DELETE' })
}

/** One progress line, or null for a line that is not a JSON object (skipped). */
export function parseProgressLine(line: string): ModelProgressLine | null {
  let data: unknown
  try {
    data = JSON.parse(line)
  } catch {
    return null
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return null
  const o = data as Record<string, unknown>
  const text = (v: unknown) => (typeof v === 'string' ? v : null)
  const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null)
  return { status: text(o.status), digest: text(o.digest), completed: count(o.completed), total: count(o.total), error: text(o.error) }
}

/** Where a pull stands, folded from its progress lines (see `foldPull`). */
export interface PullState {
  /** The last status Ollama gave ("pulling manifest", "pulling 6a0746a1ec1a", "verifying sha256 digest", …). */
  status: string
  /** Bytes of every layer seen so far, by digest. */
  layers: Record<string, { completed: number; total: number }>
  /** 0–100 over the layers seen so far. */
  percent: number
  done: boolean
  error: string | null
}

export const PULL_START: PullState = { status: 'Starting…', layers: {}, percent: 0, done: false, error: null }

/**
 * The next state after one line: a layer's bytes count towards the whole (Ollama sends each layer's own `completed`
 * and `total`, starting again at 0 for the next layer, so the bar would jump back if it showed the line's figures).
 */
export function foldPull(state: PullState, line: ModelProgressLine): PullState {
  if (line.error) return { ...state, error: line.error, done: true }
  if (line.status === 'success') return { ...state, status: 'success', percent: 100, done: true }
  let layers = state.layers
  if (line.digest && line.total != null && line.total > 0) {
    const completed = Math.min(line.completed ?? 0, line.total)
    const known = layers[line.digest]
    layers = { ...layers, [line.digest]: { total: line.total, completed: Math.max(completed, known?.completed ?? 0) } }
  }
  const all = Object.values(layers)
  const total = all.reduce((sum, l) => sum + l.total, 0)
  const percent = total > 0 ? Math.floor((all.reduce((sum, l) => sum + l.completed, 0) / total) * 100) : state.percent
  return { ...state, status: line.status || state.status, layers, percent: Math.max(state.percent, Math.min(percent, 99)) }
}
