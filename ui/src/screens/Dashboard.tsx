import type { ReactNode } from 'react'
import { Link } from 'react-router-dom'
import { formatUptime, getModels } from '../api'
import { useNodeStatus } from '../status'
import { usePoll } from '../usePoll'
import { Page } from '../components/Page'
import { DuplicateNodeIdBanner } from '../components/DuplicateNodeIdBanner'
import { ArrowRightIcon, ChatIcon, FilesIcon } from '../components/Icons'
import { RetryingBanner } from '../components/RetryingBanner'

const MODELS_POLL_MS = 10000

function Card({ label, children, className = '' }: { label: string; children: ReactNode; className?: string }) {
  return (
    <div className={`rounded-xl border border-slate-200 bg-white p-5 shadow-sm ${className}`}>
      <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</p>
      <div className="mt-2 text-xl font-semibold text-slate-900">{children}</div>
    </div>
  )
}

function SkeletonCard() {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm" aria-hidden="true">
      <div className="h-3 w-20 animate-pulse rounded bg-slate-200" />
      <div className="mt-3 h-6 w-32 animate-pulse rounded bg-slate-100" />
    </div>
  )
}

function QuickAction({ to, icon, title, text, testId }: {
  to: string
  icon: ReactNode
  title: string
  text: string
  testId: string
}) {
  return (
    <Link
      to={to}
      data-testid={testId}
      className="group flex items-center gap-4 rounded-xl border border-slate-200 bg-white p-5 shadow-sm transition hover:-translate-y-0.5 hover:border-sky-300 hover:shadow-md focus-visible:outline-2 focus-visible:outline-sky-500"
    >
      <span className="flex h-11 w-11 shrink-0 items-center justify-center rounded-lg bg-sky-50 text-xl text-sky-600 ring-1 ring-sky-100">
        {icon}
      </span>
      <span className="min-w-0 flex-1">
        <span className="block font-semibold text-slate-900">{title}</span>
        <span className="block text-sm text-slate-500">{text}</span>
      </span>
      <ArrowRightIcon className="text-lg text-slate-400 transition group-hover:translate-x-0.5 group-hover:text-sky-600" />
    </Link>
  )
}

/**
 * Live overview of this node. Test ids: `node-name`, `dashboard-llm-host` (text "This node hosts
 * an LLM" or "Uses the mesh's LLMs"; `data-llm-host` true/false), `dashboard-model-count`,
 * `peer-count`, `uptime`, `version`, `node-id`, `quick-chat`, `quick-files`, `status-error`, `models-error`.
 */
export default function Dashboard() {
  // live: poll GET /api/status every 3 s while this screen is shown.
  const { status, error } = useNodeStatus({ live: true })
  const models = usePoll(getModels, MODELS_POLL_MS, 'Model list request failed')
  const modelCount = models.data?.length ?? null

  return (
    <Page title="Dashboard" subtitle="Live overview of this node">
      <DuplicateNodeIdBanner live />

      {error && <RetryingBanner message={error} testId="status-error" />}
      {/* One banner is enough while the node itself is unreachable. */}
      {models.error && !error && <RetryingBanner message={models.error} testId="models-error" />}

      <section aria-label="Node status" className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {status ? (
          <>
            <Card label="Node name">
              <span data-testid="node-name" className="block truncate" title={status.name}>
                {status.name}
              </span>
            </Card>
            <Card label="LLM">
              <span
                data-testid="dashboard-llm-host"
                data-llm-host={status.is_llm_host ? 'true' : 'false'}
                className="inline-flex items-center gap-2 text-lg"
              >
                <span
                  aria-hidden="true"
                  className={`h-2.5 w-2.5 shrink-0 rounded-full ${status.is_llm_host ? 'bg-emerald-500 ring-4 ring-emerald-100' : 'bg-sky-400 ring-4 ring-sky-100'}`}
                />
                {status.is_llm_host ? 'This node hosts an LLM' : "Uses the mesh's LLMs"}
              </span>
              <span data-testid="dashboard-model-count" className="mt-1 block text-sm font-normal text-slate-500">
                {modelCount == null
                  ? models.error
                    ? 'Model count unavailable'
                    : 'Counting models…'
                  : modelCount === 0
                    ? 'No models in the mesh'
                    : `${modelCount} ${modelCount === 1 ? 'model' : 'models'} in the mesh`}
              </span>
            </Card>
            <Card label="Connected peers">
              <span data-testid="peer-count" className="tabular-nums">
                {status.peer_count}
              </span>
            </Card>
            <Card label="Uptime">
              <span data-testid="uptime" className="tabular-nums">
                {formatUptime(status.uptime_s)}
              </span>
            </Card>
            <Card label="Version">
              <span data-testid="version">{status.version}</span>
            </Card>
            <Card label="Node ID">
              <span data-testid="node-id" title={status.node_id} className="font-mono text-lg">
                {status.node_id.slice(0, 12)}
              </span>
            </Card>
          </>
        ) : (
          Array.from({ length: 6 }, (_, i) => <SkeletonCard key={i} />)
        )}
      </section>

      <section aria-labelledby="quick-actions" className="mt-10">
        <h2 id="quick-actions" className="mb-3 text-sm font-semibold tracking-wide text-slate-500 uppercase">
          Quick actions
        </h2>
        <div className="grid gap-4 sm:grid-cols-2">
          {/* Link texts deliberately differ from the nav labels so "Chat"/"Shared Files" stay unique link names. */}
          <QuickAction
            to="/chat"
            testId="quick-chat"
            icon={<ChatIcon />}
            title="Ask the LLM"
            text="Start a conversation with the mesh"
          />
          <QuickAction
            to="/files"
            testId="quick-files"
            icon={<FilesIcon />}
            title="Browse files"
            text="Documents shared across the mesh"
          />
        </div>
      </section>
    </Page>
  )
}
