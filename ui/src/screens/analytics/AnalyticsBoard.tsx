import { useMemo, type ReactNode } from 'react'
import {
  getChatAnalytics,
  getEngagementAnalytics,
  getFilesAnalytics,
  getNetworkAnalytics,
  getPerfAnalytics,
  type Range,
} from '../../api/analytics'
import { RetryingBanner } from '../../components/RetryingBanner'
import { usePageVisible } from '../../usePageVisible'
import { usePoll, type Fetcher } from '../../usePoll'
import { Figure } from './ChartCard'
import { ChatCharts } from './ChatCharts'
import { FilesChart } from './FilesChart'
import { formatCount } from './format'
import { NetworkCharts } from './NetworkCharts'
import { PerfCharts } from './PerfCharts'
import { SECTION_LABELS, SectionNav, sectionAnchor, useSection, type SectionId } from './Sections'

const POLL_MS = 10_000

/** Polls one analytics endpoint for `range` every 10 s while the tab is visible. */
function useAnalytics<T>(get: (range: Range, signal: AbortSignal) => Promise<T>, range: Range, visible: boolean, failure: string) {
  const fetcher = useMemo<Fetcher<T>>(() => (signal) => get(range, signal), [get, range])
  return usePoll(visible ? fetcher : null, POLL_MS, failure)
}

/** One section of charts: always shown from md up; on a phone only while it is the chosen one. */
function ChartSection({ id, chosen, children }: { id: SectionId; chosen: SectionId; children: ReactNode }) {
  return (
    <section id={sectionAnchor(id)} aria-label={SECTION_LABELS[id]} className={`grid scroll-mt-4 gap-4 lg:grid-cols-2 ${id === chosen ? '' : 'max-md:hidden'}`}>
      {children}
    </section>
  )
}

/**
 * Every analytics chart for one range (this module is loaded lazily: it brings Recharts), in four sections with links
 * to each; on a phone the links are tabs and one section shows at a time (all at once was a 4,400 px page).
 * Test ids: `analytics-summary`, one `chart-*` card per chart (see the chart components), `analytics-error`.
 */
export default function AnalyticsBoard({ range }: { range: Range }) {
  const visible = usePageVisible()
  const perf = useAnalytics(getPerfAnalytics, range, visible, 'Performance analytics request failed')
  const chat = useAnalytics(getChatAnalytics, range, visible, 'Chat analytics request failed')
  const files = useAnalytics(getFilesAnalytics, range, visible, 'Files analytics request failed')
  const network = useAnalytics(getNetworkAnalytics, range, visible, 'Network analytics request failed')
  const engagement = useAnalytics(getEngagementAnalytics, range, visible, 'Engagement analytics request failed')
  // One banner is enough: when the node is unreachable every poll fails the same way.
  const error = [perf, chat, files, network, engagement].find((p) => p.error)?.error

  const e = engagement.data
  const chosen = useSection()
  return (
    <>
      {error && <RetryingBanner message={error} testId="analytics-error" />}

      <section aria-label="Summary" data-testid="analytics-summary" className="mb-4 grid grid-cols-2 gap-3 md:grid-cols-4">
        <Figure label="Answers" testId="summary-answers" value={chat.data ? formatCount(chat.data.total) : '…'} />
        <Figure label="Messages" testId="summary-messages" value={e ? formatCount(e.messages) : '…'} />
        <Figure label="Active conversations" testId="summary-conversations" value={e ? formatCount(e.active_conversations) : '…'} />
        <Figure
          label="Logins"
          testId="summary-logins"
          value={e ? `${formatCount(e.logins)}${e.failed_logins > 0 ? ` · ${formatCount(e.failed_logins)} failed` : ''}` : '…'}
        />
      </section>

      <SectionNav chosen={chosen} />
      <div className="grid gap-4">
        <ChartSection id="answers" chosen={chosen}>
          <ChatCharts chat={chat.data} />
        </ChartSection>
        <ChartSection id="latency" chosen={chosen}>
          <PerfCharts perf={perf.data} />
        </ChartSection>
        <ChartSection id="files" chosen={chosen}>
          <FilesChart files={files.data} />
        </ChartSection>
        <ChartSection id="mesh" chosen={chosen}>
          <NetworkCharts network={network.data} />
        </ChartSection>
      </div>
    </>
  )
}
