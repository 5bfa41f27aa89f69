import { useCallback, useMemo, useState, type ReactNode } from 'react'
import { useNavigate, useSearchParams } from 'react-router-dom'
import { copyPeerConversation, getPeerHistory } from '../api/conversations'
import { getPeers } from '../api/peers'
import type { Exchange, Peer } from '../api/types'
import { formatAgo, formatTimestamp, peerDisplayName } from '../lib/format'
import { AnswerMeta } from '../components/AnswerMeta'
import { AlertIcon, ConversationsIcon, NetworkIcon } from '../components/Icons'
import { Markdown } from '../components/Markdown'
import { Page } from '../components/Page'
import { RetryingBanner } from '../components/RetryingBanner'
import { Spinner } from '../components/Spinner'
import { sortPeers } from '../peers'
import { useNow } from '../useNow'
import { usePoll } from '../usePoll'
import { Sources } from './chat/Sources'

const PEERS_POLL_MS = 5000
const HISTORY_POLL_MS = 5000

const LINK_DOT: Record<string, string> = {
  up: 'bg-emerald-500',
  connecting: 'bg-amber-500 animate-pulse',
  down: 'bg-slate-300',
  revoked: 'bg-red-500',
}

function timeOf(iso: string | null | undefined): number {
  const t = iso ? Date.parse(iso) : Number.NaN
  return Number.isNaN(t) ? 0 : t
}

interface Thread {
  id: string
  exchanges: Exchange[]
  last: number
}

/** Groups a peer's exchanges by conversation: threads by latest activity, each in asking order. */
function groupByConversation(exchanges: Exchange[]): Thread[] {
  const byId = new Map<string, Thread>()
  exchanges.forEach((e, i) => {
    const id = e.conversation_id || `single-${e.id ?? i}`
    let thread = byId.get(id)
    if (!thread) {
      thread = { id, exchanges: [], last: 0 }
      byId.set(id, thread)
    }
    thread.exchanges.push(e)
    thread.last = Math.max(thread.last, timeOf(e.created_at))
  })
  const threads = [...byId.values()]
  for (const t of threads) t.exchanges.sort((a, b) => timeOf(a.created_at) - timeOf(b.created_at))
  return threads.sort((a, b) => b.last - a.last)
}

/**
 * One peer in the left column. Test id: `peer-conversation-peer` (with `data-node-id`, and
 * `aria-current="true"` on the chosen one).
 */
function PeerButton({ peer, selected, onSelect }: { peer: Peer; selected: boolean; onSelect: () => void }) {
  const state = peer.revoked ? 'revoked' : peer.link_state
  const name = peerDisplayName(peer)
  return (
    <button
      type="button"
      data-testid="peer-conversation-peer"
      data-node-id={peer.node_id}
      aria-current={selected ? 'true' : undefined}
      onClick={onSelect}
      className={`flex w-full items-center gap-3 rounded-lg px-2.5 py-2 text-left transition focus-visible:outline-2 focus-visible:outline-sky-500 ${
        selected ? 'bg-sky-50 ring-1 ring-sky-200' : 'hover:bg-slate-50'
      }`}
    >
      <span aria-hidden="true" className={`h-2 w-2 shrink-0 rounded-full ${LINK_DOT[state] ?? LINK_DOT.down}`} />
      <span className="min-w-0 flex-1">
        <span className={`block truncate text-sm font-medium ${selected ? 'text-sky-900' : 'text-slate-800'}`} title={name}>
          {name}
        </span>
        <span className="block font-mono text-xs text-slate-400" title={peer.node_id}>
          {peer.node_id.slice(0, 12)}
          <span className="sr-only">, link {state}</span>
        </span>
      </span>
      {peer.has_llm && (
        <span className="shrink-0 rounded-md bg-sky-50 px-1.5 py-0.5 text-[11px] font-semibold text-sky-700 ring-1 ring-sky-200">
          LLM
        </span>
      )}
    </button>
  )
}

/**
 * One question and answer a peer shared. Test id: `peer-conversation-exchange` (with
 * `data-exchange-id`); `peer-conversation-error` when the answer failed or was cut off.
 */
function ExchangeCard({ exchange, now }: { exchange: Exchange; now: number }) {
  return (
    <article
      data-testid="peer-conversation-exchange"
      data-exchange-id={exchange.id}
      className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div>
        <p className="text-[11px] font-semibold tracking-wide text-slate-400 uppercase">Question</p>
        <p className="mt-1 text-sm font-medium whitespace-pre-wrap text-slate-900 break-words">{exchange.question}</p>
      </div>
      <div>
        <p className="text-[11px] font-semibold tracking-wide text-slate-400 uppercase">Answer</p>
        {exchange.answer ? (
          <Markdown text={exchange.answer} className="mt-1 text-sm text-slate-800" />
        ) : (
          !exchange.error && <p className="mt-1 text-sm text-slate-400 italic">No answer</p>
        )}
        {exchange.error && (
          <p
            data-testid="peer-conversation-error"
            className="mt-2 flex items-start gap-2 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700"
          >
            <AlertIcon className="mt-0.5 shrink-0" />
            <span>Incomplete answer: {exchange.error}</span>
          </p>
        )}
        {exchange.sources && exchange.sources.length > 0 && <Sources sources={exchange.sources} />}
      </div>
      <div className="border-t border-slate-100 pt-2">
        <AnswerMeta
          host={exchange.host}
          model={exchange.model}
          failed={!!exchange.error}
          stats={{ latencyMs: exchange.latency_ms, completionTokens: exchange.completion_tokens }}
          createdAt={exchange.created_at}
          now={now}
        />
      </div>
    </article>
  )
}

function EmptyCard({ testId, icon, title, heading: Heading = 'h2', children }: {
  testId: string
  icon: ReactNode
  title: string
  heading?: 'h2' | 'h3'
  children: ReactNode
}) {
  return (
    <section
      data-testid={testId}
      className="rounded-2xl border border-dashed border-slate-300 bg-white px-6 py-12 text-center shadow-sm"
    >
      <div className="mx-auto flex h-12 w-12 items-center justify-center rounded-xl bg-slate-100 text-2xl text-slate-500">
        {icon}
      </div>
      <Heading className="mt-4 text-base font-semibold text-slate-900">{title}</Heading>
      <div className="mx-auto mt-2 max-w-lg text-sm text-slate-600">{children}</div>
    </section>
  )
}

/**
 * "Continue here": copies the peer's conversation into a new one on this node and opens it in
 * Chat. Test ids: `peer-conversation-continue`, `peer-conversation-continue-error`.
 */
function ContinueHere({ nodeId, conversationId }: { nodeId: string; conversationId: string }) {
  const navigate = useNavigate()
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const copy = async () => {
    setPending(true)
    try {
      const created = await copyPeerConversation(nodeId, conversationId)
      navigate(`/chat/${created.id}`)
    } catch (err) {
      setError(`Could not copy it: ${err instanceof Error ? err.message : 'the request failed'}`)
      setPending(false)
    }
  }
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        data-testid="peer-conversation-continue"
        disabled={pending}
        onClick={() => void copy()}
        title="Copy this conversation to this node and go on with it in Chat"
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-700 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-sky-500 disabled:opacity-50"
      >
        {pending ? 'Copying…' : 'Continue here'}
      </button>
      {error && (
        <span role="alert" data-testid="peer-conversation-continue-error" className="text-xs text-red-700">
          {error}
        </span>
      )}
    </span>
  )
}

/** The chosen peer's shared history, polled while shown. */
function PeerHistoryView({ peer, now }: { peer: Peer; now: number }) {
  const nodeId = peer.node_id
  const fetcher = useCallback((signal: AbortSignal) => getPeerHistory(nodeId, signal), [nodeId])
  const history = usePoll(fetcher, HISTORY_POLL_MS, 'Conversation request failed')
  const name = peerDisplayName(peer)
  const threads = useMemo(() => (history.data ? groupByConversation(history.data.exchanges) : null), [history.data])
  const loaded = history.updatedAt != null

  return (
    <section aria-labelledby="peer-history-heading" aria-busy={!loaded} className="min-w-0">
      <div className="mb-4 flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="peer-history-heading" className="text-lg font-semibold text-slate-900">
          {name}
        </h2>
        {history.data && (
          <p className="text-sm text-slate-500 tabular-nums" title={formatTimestamp(history.data.updated_at)}>
            {history.data.exchanges.length} {history.data.exchanges.length === 1 ? 'exchange' : 'exchanges'} · received{' '}
            {formatAgo(history.data.updated_at, now)}
          </p>
        )}
      </div>

      {history.error && <RetryingBanner message={history.error} testId="peer-conversations-error" />}

      {!loaded ? (
        !history.error && (
          <p role="status" className="flex items-center gap-2 py-8 text-sm text-slate-500">
            <Spinner className="h-4 w-4" /> Loading {name}’s conversations…
          </p>
        )
      ) : threads == null ? (
        <EmptyCard testId="peer-conversations-none" heading="h3" icon={<ConversationsIcon />} title={`Nothing received from ${name} yet`}>
          <p>
            A peer’s conversations arrive over the mesh link while it is connected
            {peer.revoked ? '; this peer is revoked.' : peer.link_state === 'up' ? '.' : ` (the link is ${peer.link_state} now).`}
          </p>
        </EmptyCard>
      ) : threads.length === 0 ? (
        <EmptyCard testId="peer-conversations-none" heading="h3" icon={<ConversationsIcon />} title={`${name} has no conversations yet`}>
          <p>Questions asked on {name} show up here once they have been answered.</p>
        </EmptyCard>
      ) : (
        <div className="space-y-8">
          {threads.map((thread) => (
            <section key={thread.id} aria-label={`Conversation: ${thread.exchanges[0]?.question ?? ''}`} className="space-y-3">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <p className="text-xs font-medium text-slate-500">
                  Conversation · {thread.exchanges.length} {thread.exchanges.length === 1 ? 'exchange' : 'exchanges'}
                  {thread.last > 0 && ` · ${formatAgo(new Date(thread.last).toISOString(), now)}`}
                </p>
                {thread.id.startsWith('c_') && <ContinueHere nodeId={nodeId} conversationId={thread.id} />}
              </div>
              {thread.exchanges.map((e, i) => (
                <ExchangeCard key={e.id ?? i} exchange={e} now={now} />
              ))}
            </section>
          ))}
        </div>
      )}
    </section>
  )
}

/**
 * Conversations peers have shared with this node over the mesh: pick a peer, read its
 * exchanges. The chosen peer is kept in the URL (?peer=NODE_ID).
 * Test ids: `peer-conversation-peer`, `peer-conversation-exchange` (see PeerButton, ExchangeCard),
 * `peer-conversations-empty` (no peers), `peer-conversations-none` (nothing from the chosen peer),
 * `peers-error` / `peer-conversations-error` (polling failed; retrying).
 */
export default function PeerConversations() {
  const peers = usePoll(getPeers, PEERS_POLL_MS, 'Peer list request failed')
  const now = useNow(15000)
  const [params, setParams] = useSearchParams()
  const sorted = useMemo(() => (peers.data ? sortPeers(peers.data) : null), [peers.data])

  const wanted = params.get('peer')
  const selected = sorted?.find((p) => p.node_id === wanted) ?? sorted?.[0] ?? null

  const select = (nodeId: string) => setParams({ peer: nodeId }, { replace: true })

  return (
    <Page title="Peer Conversations" subtitle="Questions and answers your peers have shared with this node">
      {peers.error && <RetryingBanner message={peers.error} testId="peers-error" />}

      {sorted == null ? (
        <div role="status" className="flex items-center gap-2 text-sm text-slate-500">
          {!peers.error && (
            <>
              <Spinner className="h-4 w-4" /> Loading peers…
            </>
          )}
        </div>
      ) : sorted.length === 0 ? (
        <EmptyCard testId="peer-conversations-empty" icon={<NetworkIcon />} title="No peers yet">
          <p>
            When other MeshMind nodes with the same mesh secret join your network, the conversations they share
            appear here.
          </p>
        </EmptyCard>
      ) : (
        <div className="grid items-start gap-6 lg:grid-cols-[16rem_minmax(0,1fr)]">
          <section
            aria-label="Peers"
            className="rounded-xl border border-slate-200 bg-white p-1.5 shadow-sm lg:sticky lg:top-6"
          >
            <ul className="max-h-64 space-y-0.5 overflow-y-auto lg:max-h-[calc(100dvh-10rem)]">
              {sorted.map((peer) => (
                <li key={peer.node_id}>
                  <PeerButton
                    peer={peer}
                    selected={peer.node_id === selected?.node_id}
                    onSelect={() => select(peer.node_id)}
                  />
                </li>
              ))}
            </ul>
          </section>

          {selected && <PeerHistoryView key={selected.node_id} peer={selected} now={now} />}
        </div>
      )}
    </Page>
  )
}
