// GET /api/models: the mesh's model catalog.
import { request, unexpectedResponse } from './http'
import type { ModelInfo } from './types'

/** Every model some node of the mesh serves (empty: no LLM anywhere). */
export async function getModels(signal?: AbortSignal): Promise<ModelInfo[]> {
  const data = await request<{ models?: unknown }>('/api/models', { signal })
  if (!data || !Array.isArray(data.models)) throw unexpectedResponse()
  return data.models as ModelInfo[]
}
