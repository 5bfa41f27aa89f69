import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts'
import type { CallStats, PerfAnalytics, RouteStats } from '../../api/types'
import { ChartCard, chartState, ScrollingTable } from './ChartCard'
import { ANIMATE, AXIS_TICK, COLORS, CURSOR_FILL, GRID_STROKE, LEGEND_PROPS, logTicks, LOG_FLOOR, TOOLTIP_STYLE } from './chartTheme'
import { formatCount, formatLatency, formatSize } from './format'
import { TimeChart } from './TimeChart'

/** Routes drawn in the percentile chart (the table lists them all). */
const CHART_ROUTES = 8

const PERCENTILES = [
  { key: 'p50', name: 'p50', color: COLORS.sky },
  { key: 'p95', name: 'p95', color: COLORS.indigo },
  { key: 'p99', name: 'p99', color: COLORS.rose },
] as const

/**
 * p50/p95/p99 of the busiest routes on a log axis: a status call takes a millisecond, a chat several
 * seconds, and both should be readable. Values under the axis floor are drawn at it; the tooltip says the real value.
 */
function PercentileBars({ routes }: { routes: RouteStats[] }) {
  const shown = routes.filter((r) => r.count > 0).slice(0, CHART_ROUTES)
  const data = shown.map((r) => ({
    route: r.route,
    latency: r.latency_ms,
    p50: Math.max(LOG_FLOOR, r.latency_ms.p50),
    p95: Math.max(LOG_FLOOR, r.latency_ms.p95),
    p99: Math.max(LOG_FLOOR, r.latency_ms.p99),
  }))
  const ticks = logTicks(Math.max(0, ...shown.map((r) => r.latency_ms.p99)))
  return (
    <BarChart
      responsive
      layout="vertical"
      style={{ width: '100%', height: Math.max(160, data.length * 36 + 48) }}
      data={data}
      margin={{ top: 0, right: 8, left: 0, bottom: 0 }}
      barCategoryGap="20%"
    >
      <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" horizontal={false} />
      <XAxis
        type="number"
        scale="log"
        domain={[LOG_FLOOR, ticks[ticks.length - 1]]}
        ticks={ticks}
        allowDataOverflow
        tickFormatter={(v: number) => formatLatency(v)}
        tick={AXIS_TICK}
        tickLine={false}
        axisLine={{ stroke: GRID_STROKE }}
      />
      <YAxis type="category" dataKey="route" width={190} tick={{ ...AXIS_TICK, fontFamily: 'var(--font-mono)' }} tickLine={false} axisLine={false} interval={0} />
      <Tooltip
        contentStyle={TOOLTIP_STYLE}
        formatter={(value, name, item) => {
          const real = (item.payload as (typeof data)[number] | undefined)?.latency[name as 'p50' | 'p95' | 'p99']
          return formatLatency(real ?? Number(value))
        }}
        cursor={{ fill: CURSOR_FILL }}
      />
      <Legend {...LEGEND_PROPS} />
      {PERCENTILES.map((p) => (
        <Bar key={p.key} dataKey={p.key} name={p.name} fill={p.color} isAnimationActive={ANIMATE} maxBarSize={10} />
      ))}
    </BarChart>
  )
}

const TH = 'px-3 py-2 font-medium whitespace-nowrap'
const TD = 'px-3 py-2 whitespace-nowrap tabular-nums'

function StatsTable({ rows, label, testId, rowTestId, showTarget = false }: {
  rows: (RouteStats | CallStats)[]
  label: string
  testId: string
  rowTestId: string
  showTarget?: boolean
}) {
  return (
    <ScrollingTable label={label}>
      <table data-testid={testId} className="w-full text-left text-sm">
        <thead className="border-y border-slate-200 bg-slate-50 text-xs tracking-wide text-slate-500 uppercase">
          <tr>
            {showTarget && <th scope="col" className={`${TH} pl-5`}>To</th>}
            <th scope="col" className={`${TH} ${showTarget ? '' : 'pl-5'}`}>Route</th>
            <th scope="col" className={`${TH} text-right`}>Count</th>
            <th scope="col" className={`${TH} text-right`} title="Server errors (5xx) or failed calls">Errors</th>
            <th scope="col" className={`${TH} text-right`} title="Client errors (4xx)">4xx</th>
            <th scope="col" className={`${TH} text-right`}>p50</th>
            <th scope="col" className={`${TH} text-right`}>p95</th>
            <th scope="col" className={`${TH} text-right`}>p99</th>
            <th scope="col" className={`${TH} text-right`}>Max</th>
            <th scope="col" className={`${TH} text-right`}>In</th>
            <th scope="col" className={`${TH} pr-5 text-right`}>Out</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 text-slate-700">
          {rows.map((r) => {
            const target = 'target' in r ? r.target : ''
            return (
              <tr key={`${target} ${r.route}`} data-testid={rowTestId} data-route={r.route} className="hover:bg-slate-50/80">
                {showTarget && (
                  <td className={`${TD} pl-5`}>
                    <span className="rounded-md bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-600">{target}</span>
                  </td>
                )}
                <td data-testid="route-name" className={`${TD} font-mono text-xs text-slate-900 ${showTarget ? '' : 'pl-5'}`}>
                  {r.route}
                </td>
                <td data-testid="route-count" className={`${TD} text-right font-medium text-slate-900`}>
                  {formatCount(r.count)}
                </td>
                <td className={`${TD} text-right ${r.errors > 0 ? 'font-medium text-red-600' : 'text-slate-400'}`}>{formatCount(r.errors)}</td>
                <td className={`${TD} text-right ${r.client_errors > 0 ? 'text-amber-700' : 'text-slate-400'}`}>
                  {formatCount(r.client_errors)}
                </td>
                <td className={`${TD} text-right`}>{formatLatency(r.latency_ms.p50, r.count)}</td>
                <td className={`${TD} text-right`}>{formatLatency(r.latency_ms.p95, r.count)}</td>
                <td className={`${TD} text-right`}>{formatLatency(r.latency_ms.p99, r.count)}</td>
                <td className={`${TD} text-right`}>{formatLatency(r.latency_ms.max, r.count)}</td>
                <td className={`${TD} text-right text-slate-500`}>{formatSize(r.bytes_in)}</td>
                <td className={`${TD} pr-5 text-right text-slate-500`}>{formatSize(r.bytes_out)}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </ScrollingTable>
  )
}

const hasRoutes = (rows: RouteStats[]) => rows.some((r) => r.count > 0)

/** Latency per route (percentile bars and table), latency over time, and this node's outgoing calls. */
export function PerfCharts({ perf }: { perf: PerfAnalytics | null }) {
  const requests = perf?.routes.reduce((sum, r) => sum + r.count, 0) ?? 0
  return (
    <>
      <ChartCard
        testId="chart-route-latency"
        title="Latency by route"
        state={chartState(perf, (p) => hasRoutes(p.routes))}
        empty="Requests to this node's HTTP API appear here."
        summary={`${formatCount(requests)} requests · ${perf?.routes.length ?? 0} routes`}
        className="lg:col-span-2"
      >
        {perf && (
          <div className="space-y-5">
            <PercentileBars routes={perf.routes} />
            <StatsTable rows={perf.routes} label="Latency by route, as a table" testId="routes-table" rowTestId="route-row" />
          </div>
        )}
      </ChartCard>

      <ChartCard
        testId="chart-latency-over-time"
        title="Latency over time"
        state={chartState(perf, (p) => p.latency_over_time.some((b) => b.count > 0))}
        empty="Request latency percentiles (all routes) over the range."
        className="lg:col-span-2"
      >
        {perf && (
          <TimeChart
            // A bucket without requests has no latency: a gap in the lines, not a drop to zero.
            data={perf.latency_over_time.map((b) => (b.count > 0 ? b : { ...b, p50: null, p95: null, p99: null }))}
            bucketSeconds={perf.bucket_seconds}
            kind="line"
            log
            series={PERCENTILES.map((p) => ({ ...p }))}
            format={(v) => formatLatency(v)}
          />
        )}
      </ChartCard>

      <ChartCard
        testId="chart-calls"
        title="Outgoing calls"
        state={chartState(perf, (p) => hasRoutes(p.calls))}
        empty="Calls this node makes to peers and to its LLM appear here."
        className="lg:col-span-2"
      >
        {perf && <StatsTable rows={perf.calls} label="Outgoing calls, as a table" testId="calls-table" rowTestId="call-row" showTarget />}
      </ChartCard>
    </>
  )
}
