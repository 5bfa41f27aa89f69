import { useMemo, useState } from 'react'
import { ApiError } from '../api/http'
import { deleteModel, getInventory } from '../api/models'
import { getPeers } from '../api/peers'
import type { ModelEntry, ModelNode } from '../api/types'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { ModelsIcon } from '../components/Icons'
import { Page } from '../components/Page'
import { RetryingBanner } from '../components/RetryingBanner'
import { Spinner } from '../components/Spinner'
import { peerDisplayName } from '../lib/format'
import { useNodeStatus } from '../status'
import { usePoll } from '../usePoll'
import { ModelGroups, groupByName } from './models/ModelGroups'
import { PullForm, type PullTarget } from './models/PullForm'
import { usePull } from './models/usePull'
import { Section } from './settings/Section'

const POLL_MS = 5000

/** Neither this node nor a peer has a model. Test id: `models-empty`. */
function EmptyState() {
  return (
    <div data-testid="models-empty" className="rounded-2xl border border-dashed border-slate-300 bg-white px-6 py-12 text-center shadow-sm">
      <div className="mx-auto flex h-12 w-12 items-center justify-center rounded-xl bg-slate-100 text-2xl text-slate-500">
        <ModelsIcon />
      </div>
      <h2 className="mt-4 text-base font-semibold text-slate-900">No models in the mesh yet</h2>
      <p className="mx-auto mt-2 max-w-lg text-sm text-slate-600">
        Pull one above onto a node that runs Ollama; it shows up here once the node has it.
      </p>
    </div>
  )
}

/**
 * Models: every model on every node of the mesh (GET /api/models), pulling one onto a chosen node with its progress, and
 * deleting one from a node. Test ids: see PullForm and ModelGroups; also `models-error` (polling failed), `models-empty`,
 * `models-loading`, and the delete dialog `delete-model-dialog` with `confirm-delete-model` (its error: `confirm-error`).
 */
export default function Models() {
  const { data: inventory, error, refresh } = usePoll(getInventory, POLL_MS, 'Model list request failed')
  const { data: peers } = usePoll(getPeers, POLL_MS, 'Peer list request failed')
  const { status } = useNodeStatus()
  const { pull, start, running } = usePull(refresh)
  const [deleting, setDeleting] = useState<{ entry: ModelEntry; node: ModelNode } | null>(null)
  const [deletePending, setDeletePending] = useState(false)
  const [deleteError, setDeleteError] = useState<string | null>(null)

  const targets = useMemo<PullTarget[]>(() => {
    const list: PullTarget[] = status ? [{ node_id: status.node_id, label: `${status.name} (this node)` }] : []
    for (const peer of peers ?? []) {
      if (peer.link_state === 'up' && !peer.revoked) list.push({ node_id: peer.node_id, label: peerDisplayName(peer) })
    }
    return list
  }, [status, peers])
  const groups = useMemo(() => (inventory ? groupByName(inventory) : null), [inventory])

  const confirmDelete = async () => {
    if (!deleting) return
    setDeletePending(true)
    setDeleteError(null)
    try {
      await deleteModel(deleting.node.node_id, deleting.entry.name)
      setDeleting(null)
      refresh()
    } catch (err) {
      setDeleteError(err instanceof ApiError && err.status !== 0 ? err.message : 'Could not reach the node')
    } finally {
      setDeletePending(false)
    }
  }

  return (
    <Page title="Models" subtitle="Every model on every node of the mesh: pull one onto a node, or delete one from it.">
      {error && <RetryingBanner message={error} testId="models-error" />}
      <div className="grid gap-6">
        <Section id="pull-heading" title="Pull a model" description="Downloads a model from the Ollama library onto the node you choose.">
          <PullForm targets={targets} pull={pull} running={running} onPull={(model, nodeId, nodeName) => void start(model, nodeId, nodeName)} />
        </Section>
        {groups == null ? (
          <p data-testid="models-loading" role="status" className="flex items-center gap-2 text-sm text-slate-500">
            <Spinner className="h-4 w-4" /> Loading models…
          </p>
        ) : groups.length === 0 ? (
          <EmptyState />
        ) : (
          <ModelGroups
            groups={groups}
            onDelete={(entry, node) => {
              setDeleteError(null)
              setDeleting({ entry, node })
            }}
          />
        )}
      </div>
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.entry.name}?`}
          confirmLabel="Delete"
          confirmTestId="confirm-delete-model"
          testId="delete-model-dialog"
          pending={deletePending}
          error={deleteError}
          onConfirm={() => void confirmDelete()}
          onCancel={() => setDeleting(null)}
        >
          {deleting.node.name || deleting.node.node_id.slice(0, 12)} loses its copy of <span className="font-mono">{deleting.entry.name}</span>. Other
          nodes keep theirs; pulling it again downloads it again.
        </ConfirmDialog>
      )}
    </Page>
  )
}
