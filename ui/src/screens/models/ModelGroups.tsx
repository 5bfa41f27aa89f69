import type { ModelEntry, ModelNode } from '../../api/types'
import { formatBytes } from '../../lib/format'
import { TrashIcon } from '../../components/Icons'

/** One model name and every node that has it, whichever content (digest) each has. */
export interface ModelGroup {
  name: string
  entries: ModelEntry[]
}

/** The inventory grouped by name, in its order. */
export function groupByName(inventory: ModelEntry[]): ModelGroup[] {
  const groups = new Map<string, ModelGroup>()
  for (const entry of inventory) {
    const group = groups.get(entry.name) ?? { name: entry.name, entries: [] }
    group.entries.push(entry)
    groups.set(entry.name, group)
  }
  return [...groups.values()]
}

/** "llama · 8.0B · Q4_0", leaving out what a node did not say. */
export function describe(entry: ModelEntry): string {
  return [entry.family, entry.parameter_size, entry.quantization_level].filter((part) => part).join(' · ')
}

/**
 * The inventory, one card per model name; a row per node with its size, whether it is loaded, and Delete. Where nodes hold
 * different content under one name, each row shows its digest. Test ids: `model-group` (`data-model`), `model-node`
 * (`data-node-id`, `data-loaded`), `model-loaded`, `model-delete`.
 */
export function ModelGroups({ groups, onDelete }: { groups: ModelGroup[]; onDelete: (entry: ModelEntry, node: ModelNode) => void }) {
  return (
    <ul className="grid gap-4">
      {groups.map((group) => {
        const digests = new Set(group.entries.map((e) => e.digest))
        const headingId = `model-${group.name.replace(/[^a-zA-Z0-9_-]/g, '-')}`
        return (
          <li key={group.name} data-testid="model-group" data-model={group.name}>
            <section aria-labelledby={headingId} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <h2 id={headingId} className="font-mono text-base font-semibold break-all text-slate-900">
                  {group.name}
                </h2>
                <p className="text-sm text-slate-500">{describe(group.entries[0])}</p>
              </div>
              <ul className="mt-3 divide-y divide-slate-100">
                {group.entries.flatMap((entry) =>
                  entry.nodes.map((node) => (
                    <li
                      key={`${entry.digest}/${node.node_id}`}
                      data-testid="model-node"
                      data-node-id={node.node_id}
                      data-loaded={node.loaded}
                      className="flex flex-wrap items-center gap-x-4 gap-y-1 py-2 text-sm"
                    >
                      <span className="min-w-0 flex-1 font-medium text-slate-800">
                        {node.name || node.node_id.slice(0, 12)}
                        {node.local && <span className="ml-1.5 text-xs font-normal text-slate-500">(this node)</span>}
                      </span>
                      {digests.size > 1 && (
                        <span className="font-mono text-xs text-slate-500" title={entry.digest || 'digest not known'}>
                          {entry.digest ? entry.digest.slice(0, 12) : 'digest ?'}
                        </span>
                      )}
                      <span className="text-slate-600 tabular-nums">{formatBytes(entry.size)}</span>
                      <span
                        data-testid="model-loaded"
                        className={`rounded-full px-2 py-0.5 text-xs font-medium ${
                          node.loaded ? 'bg-emerald-50 text-emerald-800 ring-1 ring-emerald-200' : 'bg-slate-100 text-slate-600'
                        }`}
                      >
                        {node.loaded ? 'loaded' : 'not loaded'}
                      </span>
                      <button
                        type="button"
                        data-testid="model-delete"
                        onClick={() => onDelete(entry, node)}
                        aria-label={`Delete ${entry.name} from ${node.name || node.node_id.slice(0, 12)}`}
                        className="inline-flex items-center gap-1 rounded-lg px-2 py-1 text-sm text-red-700 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-sky-500"
                      >
                        <TrashIcon /> Delete
                      </button>
                    </li>
                  )),
                )}
              </ul>
            </section>
          </li>
        )
      })}
    </ul>
  )
}
