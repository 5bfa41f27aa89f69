import { lazy, Suspense, useCallback, useMemo, useState, type ReactNode } from 'react'
import { ApiError } from '../api/http'
import { getModels } from '../api/models'
import { getPeers, restorePeer, revokePeer } from '../api/peers'
import type { ModelInfo, Peer } from '../api/types'
import { formatAgo, formatSecondsAgo, formatTimestamp, peerDisplayName } from '../lib/format'
import { Page } from '../components/Page'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { DuplicateNodeIdBanner } from '../components/DuplicateNodeIdBanner'
import { NetworkIcon } from '../components/Icons'
import { RetryingBanner } from '../components/RetryingBanner'
import { Spinner } from '../components/Spinner'
import { useNow } from '../useNow'
import { usePoll } from '../usePoll'
import { sortPeers } from '../peers'
import { MeshActions } from './network/MeshActions'
import { StaticPeers } from '../components/StaticPeers'
import { DiagnosticsPanel } from './network/DiagnosticsPanel'
import { formatRtt, type SelfNode } from './network/meshGraph'
import { PeerMenu } from './network/PeerMenu'
import { useNodeStatus } from '../status'

// The graph (and React Flow with it) loads only when this screen is opened.
const MeshGraph = lazy(() => import('./network/MeshGraph'))

const POLL_MS = 2000
const MODELS_POLL_MS = 10000

/** Polls GET /api/peers every 2 s while mounted; keeps the last good list (and retries) when a fetch fails. */
function usePeers() {
  const { data: peers, error, updatedAt, refresh, mutate } = usePoll(getPeers, POLL_MS, 'Peer list request failed')

  /** Optimistically mark a peer revoked until the next poll confirms it. */
  const markRevoked = useCallback(
    (nodeId: string) =>
      mutate((list) =>
        list.map((p) => (p.node_id === nodeId ? { ...p, revoked: true, link_state: 'down' as const, rtt_ms: null } : p)),
      ),
    [mutate],
  )

  return { peers, error, updatedAt, refresh, markRevoked }
}

/** "10.0.0.7:7878"; IPv6 literals get brackets: "[fe80::1]:7878". */
function formatEndpoint(address: string, port: number): string {
  const host = address.includes(':') && !address.startsWith('[') ? `[${address}]` : address
  return port ? `${host}:${port}` : host
}

const STATE_STYLES: Record<string, { badge: string; dot: string }> = {
  up: { badge: 'bg-emerald-50 text-emerald-700 ring-emerald-200', dot: 'bg-emerald-500' },
  connecting: { badge: 'bg-amber-50 text-amber-800 ring-amber-200', dot: 'bg-amber-500 animate-pulse' },
  down: { badge: 'bg-slate-100 text-slate-600 ring-slate-200', dot: 'bg-slate-400' },
  revoked: { badge: 'bg-red-50 text-red-700 ring-red-200', dot: 'bg-red-500' },
}

function StateBadge({ peer }: { peer: Peer }) {
  const state: string = peer.revoked ? 'revoked' : peer.link_state
  const style = STATE_STYLES[state] ?? STATE_STYLES.down
  return (
    <span
      data-testid="peer-state"
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${style.badge}`}
    >
      <span aria-hidden="true" className={`h-1.5 w-1.5 rounded-full ${style.dot}`} />
      {state}
    </span>
  )
}

/** Label shown above each value when the table collapses into cards (narrow screens). */
function CellLabel({ children }: { children: ReactNode }) {
  return <span className="mb-0.5 block text-[11px] font-medium tracking-wide text-slate-400 uppercase md:hidden">{children}</span>
}

const TD = 'block px-0 py-1 align-middle md:table-cell md:px-4 md:py-3'

function PeerRow({ peer, now, pending, onRevoke, onRestore }: {
  peer: Peer
  now: number
  pending: boolean
  onRevoke: (peer: Peer) => void
  onRestore: (peer: Peer) => void
}) {
  const name = peerDisplayName(peer)
  const addresses = peer.addresses ?? []
  const models = peer.models ?? []
  return (
    <tr
      data-testid="peer-row"
      data-node-id={peer.node_id}
      data-state={peer.revoked ? 'revoked' : peer.link_state}
      className={`grid grid-cols-2 gap-x-4 px-4 py-3 md:table-row md:p-0 ${peer.revoked ? 'bg-slate-50/60' : ''}`}
    >
      <td className={`${TD} col-span-2`}>
        <span className={`block truncate font-medium ${peer.revoked ? 'text-slate-500' : 'text-slate-900'}`} title={name}>
          {name}
        </span>
        <span
          data-testid="peer-id"
          title={peer.node_id}
          className="block font-mono text-xs text-slate-500"
        >
          {peer.node_id.slice(0, 12)}
        </span>
        {peer.name_conflict && (
          <span
            data-testid="peer-name-conflict"
            title="Another node uses this name too; tell them apart by their ids"
            className="mt-1 inline-flex rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-amber-200"
          >
            name shared
          </span>
        )}
      </td>
      <td className={TD}>
        <CellLabel>State</CellLabel>
        <StateBadge peer={peer} />
      </td>
      <td className={TD}>
        <CellLabel>RTT</CellLabel>
        <span data-testid="peer-rtt" className="text-sm text-slate-700 tabular-nums">
          {formatRtt(peer.rtt_ms)}
        </span>
      </td>
      <td className={`${TD} col-span-2`}>
        <CellLabel>LLM</CellLabel>
        <div data-testid="peer-llm" className="flex flex-wrap items-center gap-1.5 text-sm text-slate-600">
          {peer.has_llm ? (
            <>
              <span className="rounded-md bg-sky-50 px-1.5 py-0.5 text-xs font-semibold text-sky-700 ring-1 ring-sky-200">
                LLM
              </span>{' '}
              {models.map((model, i) => (
                <span key={model} className="font-mono text-xs text-slate-600">
                  {model}
                  {i < models.length - 1 ? ', ' : ''}
                </span>
              ))}
            </>
          ) : (
            <span className="text-slate-400">—</span>
          )}
        </div>
      </td>
      <td className={TD}>
        <CellLabel>Addresses</CellLabel>
        <div data-testid="peer-addresses" className="font-mono text-xs text-slate-600">
          {addresses.length > 0
            ? addresses.map((a) => (
                <span key={a} className="block">
                  {formatEndpoint(a, peer.mesh_port)}
                </span>
              ))
            : '—'}
        </div>
      </td>
      <td className={TD}>
        <CellLabel>Last seen</CellLabel>
        <span
          data-testid="peer-last-seen"
          title={formatTimestamp(peer.last_seen)}
          className="text-sm whitespace-nowrap text-slate-600 tabular-nums"
        >
          {formatAgo(peer.last_seen, now)}
        </span>
      </td>
      <td className={`${TD} col-span-2 pt-2 md:pt-3 md:text-right`}>
        {!peer.revoked && <PeerMenu name={name} pending={pending} onRevoke={() => onRevoke(peer)} />}
        {peer.revoked && (
          <button
            type="button"
            data-testid="peer-restore"
            aria-label={`Undo revoking ${name}`}
            onClick={() => onRestore(peer)}
            disabled={pending}
            className="inline-flex items-center gap-1.5 rounded-lg border border-slate-200 bg-white px-3 py-1.5 text-xs font-semibold text-slate-700 shadow-sm transition hover:border-slate-300 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-500 disabled:cursor-wait disabled:opacity-60"
          >
            Undo
          </button>
        )}
      </td>
    </tr>
  )
}

function SkeletonRows() {
  return (
    <div className="divide-y divide-slate-100" aria-hidden="true">
      {Array.from({ length: 3 }, (_, i) => (
        <div key={i} className="flex items-center gap-6 px-4 py-4">
          <div className="w-40 space-y-2">
            <div className="h-3 w-24 animate-pulse rounded bg-slate-200" />
            <div className="h-2.5 w-20 animate-pulse rounded bg-slate-100" />
          </div>
          <div className="h-5 w-14 animate-pulse rounded-full bg-slate-100" />
          <div className="hidden h-3 w-16 animate-pulse rounded bg-slate-100 sm:block" />
          <div className="hidden h-3 w-28 animate-pulse rounded bg-slate-100 md:block" />
        </div>
      ))}
    </div>
  )
}

function EmptyState() {
  return (
    <section
      data-testid="peers-empty"
      className="rounded-2xl border border-dashed border-slate-300 bg-white px-6 py-12 text-center shadow-sm"
    >
      <div className="mx-auto flex h-12 w-12 items-center justify-center rounded-xl bg-slate-100 text-2xl text-slate-500">
        <NetworkIcon />
      </div>
      <h2 className="mt-4 text-base font-semibold text-slate-900">No peers yet</h2>
      <p className="mx-auto mt-2 max-w-lg text-sm text-slate-600">
        Add a device with <strong className="font-semibold">Invite a device</strong> (or join another node's mesh with its code).
        Peers also appear here when another MeshMind node with the same mesh secret (
        <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-xs text-slate-800">p2p_secret.txt</code>) is
        running on your local network, or when this node is started with{' '}
        <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-xs text-slate-800">--peer HOST:7878</code>.
      </p>
    </section>
  )
}

function UpdatedIndicator({ updatedAt, now, failing }: { updatedAt: number | null; now: number; failing: boolean }) {
  if (updatedAt == null) {
    return (
      <span data-testid="peers-updated" className="inline-flex items-center gap-2 text-sm text-slate-500">
        <Spinner className="h-4 w-4 text-slate-400" />
        {failing ? 'Retrying…' : 'Loading…'}
      </span>
    )
  }
  return (
    <span data-testid="peers-updated" className="inline-flex items-center gap-2 text-sm text-slate-500 tabular-nums">
      <span
        aria-hidden="true"
        className={`h-2 w-2 rounded-full ${failing ? 'bg-amber-500' : 'bg-emerald-500 ring-4 ring-emerald-100'}`}
      />
      Updated {formatSecondsAgo((now - updatedAt) / 1000)}
    </span>
  )
}

function GraphLoading() {
  return (
    <div role="status" className="flex h-80 items-center justify-center gap-2 text-sm text-slate-500 md:h-96">
      <Spinner className="h-4 w-4 text-slate-400" />
      Loading the graph…
    </div>
  )
}

/** Models served by this node's own LLM, by name. */
function localModels(models: ModelInfo[] | null): string[] {
  return (models ?? []).filter((m) => m.nodes.some((h) => h.local)).map((m) => m.name)
}

/** This node as the graph's centre: its id and name (GET /api/status) and the models it hosts (GET /api/models). */
function useSelfNode(): SelfNode | null {
  const { status } = useNodeStatus()
  const { data: models } = usePoll(getModels, MODELS_POLL_MS, 'Model list request failed')
  return useMemo(() => (status ? { node_id: status.node_id, name: status.name, models: localModels(models) } : null), [status, models])
}

function revokeErrorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.status === 0 ? 'Could not reach the node' : err.message
  return 'Revoking the peer failed'
}

export default function Network() {
  const { peers, error, updatedAt, refresh, markRevoked } = usePeers()
  const now = useNow()
  const sorted = useMemo(() => (peers ? sortPeers(peers) : null), [peers])
  const self = useSelfNode()

  const [target, setTarget] = useState<Peer | null>(null)
  const [pending, setPending] = useState(false)
  const [revokeError, setRevokeError] = useState<string | null>(null)

  const openRevoke = (peer: Peer) => {
    setRevokeError(null)
    setTarget(peer)
  }

  const closeRevoke = () => {
    if (pending) return
    setTarget(null)
    setRevokeError(null)
  }

  const confirmRevoke = async () => {
    if (!target || pending) return
    setPending(true)
    setRevokeError(null)
    try {
      await revokePeer(target.node_id)
      markRevoked(target.node_id)
      setTarget(null)
      refresh()
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return // handled globally
      setRevokeError(revokeErrorMessage(err))
      refresh()
    } finally {
      setPending(false)
    }
  }

  const restore = async (peer: Peer) => {
    setRevokeError(null)
    try {
      await restorePeer(peer.node_id)
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return // handled globally
      setRevokeError(revokeErrorMessage(err))
    }
    refresh()
  }

  const upCount = peers ? peers.filter((p) => !p.revoked && p.link_state === 'up').length : 0
  const total = peers?.length ?? 0
  const llmHosts = peers ? peers.filter((p) => !p.revoked && p.link_state === 'up' && p.has_llm).length : 0

  return (
    <Page
      title="Network"
      subtitle="Peers this node has discovered on the mesh, and the health of each link"
      actions={<UpdatedIndicator updatedAt={updatedAt} now={now} failing={error != null} />}
    >
      <DuplicateNodeIdBanner live />

      <MeshActions peerCount={peers?.filter((p) => !p.revoked).length ?? 0} linkedCount={upCount} onChanged={refresh} />

      {error && <RetryingBanner message={error} testId="peers-error" />}
      {revokeError && !target && (
        <p role="alert" data-testid="peers-action-error" className="mb-4 text-sm text-red-700">
          {revokeError}
        </p>
      )}

      {sorted && (
        <p className="mb-4 flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm text-slate-600">
          <span data-testid="peers-summary" className="font-medium text-slate-900">
            {upCount} of {total} {total === 1 ? 'peer' : 'peers'} connected
          </span>
          {llmHosts > 0 && (
            <span className="text-slate-500">
              · {llmHosts} {llmHosts === 1 ? 'LLM host' : 'LLM hosts'} reachable
            </span>
          )}
        </p>
      )}

      <div className="grid gap-6 2xl:grid-cols-[minmax(0,5fr)_minmax(0,7fr)] 2xl:items-start">
        {self && sorted && sorted.length > 0 && (
          <section aria-label="Mesh graph" className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
            <Suspense fallback={<GraphLoading />}>
              <MeshGraph self={self} peers={sorted} />
            </Suspense>
            <p className="border-t border-slate-100 px-4 py-2 text-xs text-slate-500">
              This node's own links, with their round-trip times; links between two peers are not shown.
            </p>
          </section>
        )}
        {sorted == null ? (
          <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm" role="status">
            <span className="sr-only">Loading peers…</span>
            <SkeletonRows />
          </div>
        ) : sorted.length === 0 ? (
          <EmptyState />
        ) : (
          <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
            <table className="block w-full text-left md:table" data-testid="peers-table">
              <caption className="sr-only">Mesh peers</caption>
              <thead className="hidden border-b border-slate-200 bg-slate-50 text-xs font-medium tracking-wide text-slate-500 uppercase md:table-header-group">
                <tr>
                  <th scope="col" className="px-4 py-2.5 font-medium">Peer</th>
                  <th scope="col" className="px-4 py-2.5 font-medium">State</th>
                  <th scope="col" className="px-4 py-2.5 font-medium">RTT</th>
                  <th scope="col" className="px-4 py-2.5 font-medium">LLM</th>
                  <th scope="col" className="px-4 py-2.5 font-medium">Addresses</th>
                  <th scope="col" className="px-4 py-2.5 font-medium">Last seen</th>
                  <th scope="col" className="px-4 py-2.5 font-medium">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="block divide-y divide-slate-100 md:table-row-group">
                {sorted.map((peer) => (
                  <PeerRow
                    key={peer.node_id}
                    peer={peer}
                    now={now}
                    pending={pending && target?.node_id === peer.node_id}
                    onRevoke={openRevoke}
                    onRestore={(p) => void restore(p)}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>

      <DiagnosticsPanel />
      <div className="mt-8">
        <StaticPeers />
      </div>

      {target && (
        <ConfirmDialog
          testId="revoke-dialog"
          title="Revoke peer?"
          confirmLabel="Revoke"
          confirmTestId="confirm-revoke"
          pending={pending}
          error={revokeError}
          onConfirm={() => void confirmRevoke()}
          onCancel={closeRevoke}
        >
          <p>
            Revoke <strong className="font-semibold text-slate-900">{peerDisplayName(target)}</strong>{' '}
            <span className="font-mono text-xs text-slate-500" title={target.node_id}>
              ({target.node_id.slice(0, 12)})
            </span>
            ? This node drops its mesh link to the peer and stops trusting it.
          </p>
        </ConfirmDialog>
      )}
    </Page>
  )
}
