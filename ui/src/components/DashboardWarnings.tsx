import type { ReactNode } from 'react'
import { Link } from 'react-router-dom'
import type { ModelInfo, NodeStatus } from '../api/types'
import { DuplicateNodeIdBanner } from './DuplicateNodeIdBanner'
import { AlertIcon, ArrowRightIcon } from './Icons'

function Warning({ testId, title, children, action }: { testId: string; title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <div
      role="alert"
      data-testid={testId}
      className="flex items-start gap-3 rounded-xl border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 shadow-sm"
    >
      <AlertIcon className="mt-0.5 shrink-0 text-lg text-amber-700" />
      <div className="min-w-0 flex-1">
        <p className="font-semibold">{title}</p>
        <p data-testid={`${testId}-fix`} className="mt-1 text-amber-800">
          {children}
        </p>
      </div>
      {action}
    </div>
  )
}

function FixLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <Link
      to={to}
      className="inline-flex shrink-0 items-center gap-1 self-center rounded-lg border border-amber-300 bg-white px-3 py-1.5 text-xs font-semibold text-amber-900 shadow-sm transition hover:bg-amber-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-600"
    >
      {children} <ArrowRightIcon />
    </Link>
  )
}

const CODE = 'rounded bg-amber-100 px-1 py-px font-mono text-xs text-amber-900'

/**
 * What stops this node from being useful, each with its fix: another node with this node's identity
 * (`duplicate-node-id`), no model anywhere in the mesh (`warning-no-model`), no linked peer
 * (`warning-no-peers`). Each says nothing until its data has loaded; the fix text has the test id
 * `<id>-fix`.
 */
export function DashboardWarnings({ status, models }: { status: NodeStatus | null; models: ModelInfo[] | null }) {
  return (
    <>
      <DuplicateNodeIdBanner live />
      {(models?.length === 0 || status?.peer_count === 0) && (
        <section aria-label="Warnings" className="mb-6 space-y-3">
          {models?.length === 0 && (
            <Warning testId="warning-no-model" title="No model is reachable" action={<FixLink to="/network">Network</FixLink>}>
              Chat cannot answer: no node of the mesh serves an LLM. Start Ollama on this machine (
              <code className={CODE}>ollama serve</code>, then <code className={CODE}>ollama pull llama3</code>) or point{' '}
              <code className={CODE}>--ollama-url</code> at one, or link a node that hosts a model. This node notices within
              a few seconds.
            </Warning>
          )}
          {status?.peer_count === 0 && (
            <Warning testId="warning-no-peers" title="This node has no peers" action={<FixLink to="/network">Invite a device</FixLink>}>
              No other node is linked to this one. On the Network screen, invite a device or join another node's mesh with
              its code; or start this node with <code className={CODE}>--peer HOST:7878</code>. Nodes on the same network
              with the same mesh secret find each other by themselves.
            </Warning>
          )}
        </section>
      )}
    </>
  )
}
