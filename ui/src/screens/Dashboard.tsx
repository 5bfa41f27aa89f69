import type { ReactNode } from 'react'
import { Link } from 'react-router-dom'
import { getModels } from '../api/models'
import { formatUptime } from '../lib/format'
import { getChatAnalytics, getPerfAnalytics } from '../api/analytics'
import type { ChatAnalytics, PerfAnalytics } from '../api/types'
import { useNodeStatus } from '../status'
import { usePageVisible } from '../usePageVisible'
import { usePoll } from '../usePoll'
import { formatCount, formatLatency, formatRate } from './analytics/format'
import { Page } from '../components/Page'
import { DashboardWarnings } from '../components/DashboardWarnings'
import { ArrowRightIcon, ChatIcon, FilesIcon } from '../components/Icons'
import { RetryingBanner } from '../components/RetryingBanner'

const MODELS_POLL_MS = 10000
const STATS_POLL_MS = 10000
/** The route whose p95 the Dashboard shows: how long answers take is the latency people feel. */
const CHAT_ROUTE = 'POST /api/chat'

const getChatDay = (signal: AbortSignal) => getChatAnalytics('24h', signal)
const getPerfHour = (signal: AbortSignal) => getPerfAnalytics('1h', signal)

function Card({ label, children, className = '' }: { label: string; children: ReactNode; className?: string }) {
  return (
    <div className={`min-w-0 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5 ${className}`}>
      <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</p>
      <div className="mt-2 text-lg font-semibold text-slate-900 sm:text-xl">{children}</div>
    </div>
  )
}

function SkeletonCard() {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5" aria-hidden="true">
      <div className="h-3 w-20 animate-pulse rounded bg-slate-200" />
      <div className="mt-3 h-6 w-32 animate-pulse rounded bg-slate-100" />
    </div>
  )
}

function QuickStat({ label, value, hint, testId }: { label: string; value: ReactNode; hint: ReactNode; testId: string }) {
  return (
    <div className="min-w-0 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
      <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</p>
      <p data-testid={testId} className="mt-2 text-xl font-semibold text-slate-900 tabular-nums sm:text-2xl">
        {value}
      </p>
      <p className="mt-1 text-xs text-slate-500">{hint}</p>
    </div>
  )
}

/** Chats in 24 h, median tokens/s, p95 chat latency of the last hour, peers (from the live status). */
function QuickStats({ chat, perf, peers }: { chat: ChatAnalytics | null; perf: PerfAnalytics | null; peers: number | null }) {
  const chatRoute = perf?.routes.find((r) => r.route === CHAT_ROUTE)
  const speed = chat?.tokens_per_second
  return (
    <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4">
      <QuickStat
        label="Chats · 24 h"
        testId="stat-chats"
        value={chat ? formatCount(chat.total) : '…'}
        hint={chat && chat.errors > 0 ? `${formatCount(chat.errors)} failed` : 'Answers to this node’s questions'}
      />
      <QuickStat
        label="Median speed · 24 h"
        testId="stat-tokens-per-second"
        value={speed ? formatRate(speed.p50, speed.count) : '…'}
        hint="Tokens per second of an answer"
      />
      <QuickStat
        label="p95 chat latency · 1 h"
        testId="stat-p95-latency"
        value={perf ? formatLatency(chatRoute?.latency_ms.p95 ?? 0, chatRoute?.count ?? 0) : '…'}
        hint={perf && !chatRoute?.count ? 'No chats in the last hour' : 'Whole answers, question to last token'}
      />
      <QuickStat
        label="Connected peers"
        testId="peer-count"
        value={peers ?? '…'}
        hint="Nodes linked to this one now"
      />
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
      className="group flex items-center gap-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5 transition hover:-translate-y-0.5 hover:border-sky-300 hover:shadow-md focus-visible:outline-2 focus-visible:outline-sky-500"
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
 * `uptime`, `version`, `node-id`, quick stats `stat-chats`, `stat-tokens-per-second`, `stat-p95-latency`,
 * `peer-count`, `quick-chat`, `quick-files`, `quick-analytics`, `status-error`, `models-error`, `stats-error`;
 * the warnings of DashboardWarnings.
 */
export default function Dashboard() {
  // live: poll GET /api/status every 3 s while this screen is shown.
  const { status, error } = useNodeStatus({ live: true })
  const models = usePoll(getModels, MODELS_POLL_MS, 'Model list request failed')
  const modelCount = models.data?.length ?? null
  const visible = usePageVisible()
  const chat = usePoll(visible ? getChatDay : null, STATS_POLL_MS, 'Chat statistics request failed')
  const perf = usePoll(visible ? getPerfHour : null, STATS_POLL_MS, 'Latency statistics request failed')
  const statsError = chat.error ?? perf.error

  return (
    <Page title="Dashboard" subtitle="Live overview of this node">
      <DashboardWarnings status={status} models={models.data} />

      {error && <RetryingBanner message={error} testId="status-error" />}
      {/* One banner is enough while the node itself is unreachable. */}
      {models.error && !error && <RetryingBanner message={models.error} testId="models-error" />}
      {statsError && !error && !models.error && <RetryingBanner message={statsError} testId="stats-error" />}

      <section aria-label="Node status" className="grid grid-flow-row-dense grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-3">
        {status ? (
          <>
            <Card label="Node name">
              <span data-testid="node-name" className="block truncate" title={status.name}>
                {status.name}
              </span>
            </Card>
            <Card label="LLM" className="max-sm:col-span-2 lg:col-span-2">
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
            <Card label="Uptime">
              <span data-testid="uptime" className="tabular-nums">
                {formatUptime(status.uptime_s)}
              </span>
            </Card>
            <Card label="Version">
              <span data-testid="version" className="block truncate" title={status.version}>{status.version}</span>
            </Card>
            <Card label="Node ID">
              <span data-testid="node-id" title={status.node_id} className="block truncate font-mono text-base sm:text-lg">
                {status.node_id.slice(0, 12)}
              </span>
            </Card>
          </>
        ) : (
          Array.from({ length: 5 }, (_, i) => <SkeletonCard key={i} />)
        )}
      </section>

      <section aria-labelledby="quick-stats" className="mt-8 sm:mt-10">
        <div className="mb-3 flex items-baseline justify-between gap-4">
          <h2 id="quick-stats" className="text-sm font-semibold tracking-wide text-slate-500 uppercase">
            Activity
          </h2>
          <Link
            to="/analytics"
            data-testid="quick-analytics"
            className="inline-flex items-center gap-1 text-sm font-medium text-sky-700 hover:text-sky-900 focus-visible:outline-2 focus-visible:outline-sky-500"
          >
            All charts <ArrowRightIcon />
          </Link>
        </div>
        <QuickStats chat={chat.data} perf={perf.data} peers={status?.peer_count ?? null} />
      </section>

      <section aria-labelledby="quick-actions" className="mt-8 sm:mt-10">
        <h2 id="quick-actions" className="mb-3 text-sm font-semibold tracking-wide text-slate-500 uppercase">
          Quick actions
        </h2>
        <div className="grid gap-3 sm:grid-cols-2 sm:gap-4">
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
