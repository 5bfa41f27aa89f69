import { useNodeStatus } from '../status'
import { AlertIcon } from './Icons'

/** Red warning shown when GET /api/status reports another node using this node's identity. */
export function DuplicateNodeIdBanner({ live = false }: { live?: boolean }) {
  const { status } = useNodeStatus({ live })
  if (!status?.duplicate_node_id) return null
  return (
    <div
      role="alert"
      data-testid="duplicate-node-id"
      className="mb-6 flex items-start gap-3 rounded-xl border border-red-300 bg-red-600 px-4 py-3 text-sm font-medium text-white shadow-sm"
    >
      <AlertIcon className="mt-0.5 shrink-0 text-lg" />
      <span>Another node is running with this node's identity (copied data directory?)</span>
    </div>
  )
}
