import { useCallback, useId, useState, type FormEvent } from 'react'
import { addStaticPeer, getStaticPeers, removeStaticPeer } from '../api/diagnostics'
import { ApiError } from '../api/http'
import type { StaticPeer } from '../api/types'
import { peerAddressProblem } from '../lib/peerAddress'
import { usePoll } from '../usePoll'
import { Spinner } from './Spinner'

const POLL_MS = 5000

const STATE: Record<string, string> = {
  up: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
  connecting: 'bg-amber-50 text-amber-800 ring-amber-200',
  down: 'bg-slate-100 text-slate-600 ring-slate-200',
}

function actionError(err: unknown, fallback: string): string {
  if (err instanceof ApiError) return err.status === 0 ? 'Could not reach the node' : err.message
  return fallback
}

function StaticPeerRow({ peer, pending, onRemove }: { peer: StaticPeer; pending: boolean; onRemove: (p: StaticPeer) => void }) {
  return (
    <li data-testid="static-peer-row" data-address={peer.address} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-3">
      <span className="font-mono text-sm text-slate-900">{peer.address}</span>
      <span
        data-testid="static-peer-state"
        className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${STATE[peer.link_state] ?? STATE.down}`}
      >
        {peer.link_state}
      </span>
      {peer.name && <span className="text-sm text-slate-600">{peer.name}</span>}
      {peer.configured && (
        <span
          title="Set with --peer (or Mesh:Peers) when the node started; remove it there"
          className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600"
        >
          from --peer
        </span>
      )}
      <span className="ml-auto">
        {!peer.configured && (
          <button
            type="button"
            data-testid="static-peer-remove"
            aria-label={`Remove static peer ${peer.address}`}
            disabled={pending}
            onClick={() => onRemove(peer)}
            className="rounded-lg border border-slate-300 bg-white px-3 py-1 text-xs font-semibold text-slate-700 shadow-sm transition hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:opacity-60"
          >
            Remove
          </button>
        )}
      </span>
      {peer.last_error && peer.link_state !== 'up' && (
        <p data-testid="static-peer-error-detail" className="w-full text-xs break-words text-slate-500">
          Last try: {peer.last_error}
        </p>
      )}
    </li>
  )
}

/**
 * The peers this node dials by address (HOST:PORT), added and removed here and saved by the node: what links nodes that
 * discovery cannot find (another subnet, a VPN, Wi-Fi client isolation). Shared by the Network and Settings screens.
 */
export function StaticPeers({ headingLevel = 2 }: { headingLevel?: 2 | 3 }) {
  const { data: peers, error, refresh, mutate } = usePoll(getStaticPeers, POLL_MS, 'Static peer list request failed')
  const [address, setAddress] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const [adding, setAdding] = useState(false)
  const [removing, setRemoving] = useState<string | null>(null)
  const inputId = useId()
  const hintId = useId()
  const errorId = useId()
  const Heading = headingLevel === 2 ? 'h2' : 'h3'

  const add = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    if (adding) return
    const local = peerAddressProblem(address)
    if (local) {
      setProblem(local)
      return
    }
    setAdding(true)
    setProblem(null)
    try {
      const added = await addStaticPeer(address.trim())
      mutate((list) => [...list, added])
      setAddress('')
      refresh()
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return
      setProblem(actionError(err, 'Adding the peer failed'))
    } finally {
      setAdding(false)
    }
  }

  const remove = useCallback(
    async (peer: StaticPeer) => {
      setRemoving(peer.address)
      setProblem(null)
      try {
        await removeStaticPeer(peer.address)
        mutate((list) => list.filter((p) => p.address !== peer.address))
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return
        setProblem(actionError(err, 'Removing the peer failed'))
      } finally {
        setRemoving(null)
        refresh()
      }
    },
    [mutate, refresh],
  )

  return (
    <section aria-labelledby={`${inputId}-title`} data-testid="static-peers">
      <Heading id={`${inputId}-title`} className="text-lg font-semibold text-slate-900">
        Static peers
      </Heading>
      <p className="mt-0.5 mb-3 text-sm text-slate-600">
        Nodes this node dials by address, whether discovery finds them or not: across subnets, VPNs or Wi-Fi that
        isolates its clients, one is enough, since linked peers tell each other about the rest.
      </p>

      <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
        <form onSubmit={(e) => void add(e)} noValidate className="flex flex-wrap items-end gap-3 border-b border-slate-100 px-4 py-3">
          <div className="min-w-56 flex-1">
            <label htmlFor={inputId} className="block text-sm font-medium text-slate-700">
              Add a static peer
            </label>
            <input
              id={inputId}
              data-testid="static-peer-input"
              value={address}
              onChange={(e) => {
                setAddress(e.target.value)
                setProblem(null)
              }}
              placeholder="192.168.1.20:7878"
              autoComplete="off"
              spellCheck={false}
              aria-invalid={problem != null}
              aria-describedby={problem ? `${hintId} ${errorId}` : hintId}
              className="mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 font-mono text-sm text-slate-900 shadow-sm focus:border-sky-500 focus:ring-2 focus:ring-sky-500/30 focus:outline-none"
            />
            <p id={hintId} className="mt-1 text-xs text-slate-500">
              HOST:PORT of another node's mesh port (7878 unless it was changed).
            </p>
          </div>
          <button
            type="submit"
            data-testid="static-peer-add"
            disabled={adding}
            aria-busy={adding}
            className="mb-5 inline-flex items-center gap-2 rounded-lg bg-sky-700 px-4 py-2 text-sm font-semibold text-white shadow-sm transition hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:cursor-wait disabled:opacity-70"
          >
            {adding && <Spinner className="h-4 w-4" />}
            Add
          </button>
          {problem && (
            <p id={errorId} role="alert" data-testid="static-peer-error" className="w-full text-sm text-red-700">
              {problem}
            </p>
          )}
        </form>

        {error && (
          <p role="alert" className="px-4 py-3 text-sm text-amber-800">
            {error} — retrying…
          </p>
        )}
        {peers == null ? (
          !error && (
            <p className="flex items-center gap-2 px-4 py-3 text-sm text-slate-500">
              <Spinner className="h-4 w-4" /> Loading…
            </p>
          )
        ) : peers.length === 0 ? (
          <p data-testid="static-peers-empty" className="px-4 py-3 text-sm text-slate-500">
            No static peers: this node finds peers by discovery alone.
          </p>
        ) : (
          <ul className="divide-y divide-slate-100" aria-label="Static peers">
            {peers.map((p) => (
              <StaticPeerRow key={p.address} peer={p} pending={removing === p.address} onRemove={(x) => void remove(x)} />
            ))}
          </ul>
        )}
      </div>
    </section>
  )
}
