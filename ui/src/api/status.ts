// GET /api/status: this node's identity and a few live numbers.
import { request } from './http'
import type { NodeStatus } from './types'

export function getStatus(signal?: AbortSignal): Promise<NodeStatus> {
  return request<NodeStatus>('/api/status', { signal })
}
