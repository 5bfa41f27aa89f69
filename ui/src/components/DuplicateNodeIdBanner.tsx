import { useNodeStatus } from '../status'
import { AlertIcon } from './Icons'

/** Red warning, with the fix, shown when GET /api/status reports another node using this node's identity. */
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
      <span>
        <span className="block">Another node is running with this node's identity (copied data directory?)</span>
        <span data-testid="duplicate-node-id-fix" className="mt-1 block font-normal">
          Fix: on one of the two machines, stop MeshMind, delete{' '}
          <code className="rounded bg-red-700 px-1 py-px font-mono text-xs">node.pfx</code> from its data directory and start
          it again; it makes itself a new identity and its peers see it as a new node.
        </span>
      </span>
    </div>
  )
}
