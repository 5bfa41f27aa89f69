import { Bar, BarChart, CartesianGrid, Cell, Legend, Pie, PieChart, Tooltip, XAxis, YAxis } from 'recharts'
import type { ChatAnalytics, Stats } from '../../api/types'
import { peerDisplayName } from '../../lib/format'
import { ChartCard, chartState, Figure } from './ChartCard'
import { ANIMATE, AXIS_TICK, CHART_STYLE, COLORS, CURSOR_FILL, GRID_STROKE, LEGEND_PROPS, PALETTE, SURFACE, TOOLTIP_STYLE } from './chartTheme'
import { formatCount, formatLatency, formatRate } from './format'
import { TimeChart } from './TimeChart'

function Volume({ chat }: { chat: ChatAnalytics }) {
  // `count` includes the failed answers; stack the answered ones under the failed ones.
  const data = chat.over_time.map((b) => ({ t: b.t, answered: Math.max(0, b.count - b.errors), failed: b.errors }))
  return (
    <>
      <TimeChart
        data={data}
        bucketSeconds={chat.bucket_seconds}
        kind="bar"
        stacked
        series={[
          { key: 'answered', name: 'Answered', color: COLORS.sky },
          { key: 'failed', name: 'Failed', color: COLORS.rose },
        ]}
        format={(v) => formatCount(v, true)}
      />
      {chat.errors_by_reason.length > 0 && (
        <p data-testid="chat-errors-by-reason" className="mt-3 flex flex-wrap gap-1.5 text-xs">
          {chat.errors_by_reason.map((r) => (
            <span key={r.reason} className="rounded-full bg-red-50 px-2 py-0.5 font-medium text-red-700 ring-1 ring-red-200">
              {r.reason}: {formatCount(r.count)}
            </span>
          ))}
        </p>
      )}
    </>
  )
}

function ByHost({ chat }: { chat: ChatAnalytics }) {
  const data = chat.by_host
    .filter((h) => h.count > 0)
    .map((h) => ({ name: `${peerDisplayName(h)}${h.local ? ' (this node)' : ''}`, value: h.count }))
  return (
    <PieChart responsive style={CHART_STYLE}>
      <Pie data={data} dataKey="value" nameKey="name" innerRadius="55%" outerRadius="85%" paddingAngle={data.length > 1 ? 2 : 0} isAnimationActive={ANIMATE}>
        {data.map((d, i) => (
          <Cell key={d.name} fill={PALETTE[i % PALETTE.length]} stroke={SURFACE} />
        ))}
      </Pie>
      <Tooltip contentStyle={TOOLTIP_STYLE} formatter={(value) => `${formatCount(Number(value))} answers`} />
      <Legend {...LEGEND_PROPS} layout="vertical" align="right" verticalAlign="middle" />
    </PieChart>
  )
}

function StatRow({ label, stats, format, testId }: { label: string; stats: Stats; format: (v: number, count: number) => string; testId: string }) {
  return (
    <div data-testid={testId} data-count={stats.count}>
      <p className="mb-2 text-xs font-medium text-slate-600">
        {label} <span className="font-normal text-slate-400">· {formatCount(stats.count)} answers</span>
      </p>
      <div className="grid grid-cols-3 gap-2 sm:grid-cols-5">
        <Figure label="Mean" value={format(stats.mean, stats.count)} />
        <Figure label="p50" value={format(stats.p50, stats.count)} testId={`${testId}-p50`} />
        <Figure label="p95" value={format(stats.p95, stats.count)} />
        <Figure label="p99" value={format(stats.p99, stats.count)} />
        <Figure label="Max" value={format(stats.max, stats.count)} />
      </div>
    </div>
  )
}

function ByModel({ chat }: { chat: ChatAnalytics }) {
  const data = chat.by_model
    .filter((m) => m.count > 0)
    .map((m) => ({ model: m.model, answered: Math.max(0, m.count - m.errors), failed: m.errors }))
  return (
    <BarChart
      responsive
      layout="vertical"
      style={{ width: '100%', height: Math.max(140, data.length * 32 + 56) }}
      data={data}
      margin={{ top: 0, right: 8, left: 0, bottom: 0 }}
    >
      <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" horizontal={false} />
      <XAxis type="number" allowDecimals={false} tick={AXIS_TICK} tickLine={false} axisLine={{ stroke: GRID_STROKE }} />
      <YAxis type="category" dataKey="model" width={140} tick={{ ...AXIS_TICK, fontFamily: 'var(--font-mono)' }} tickLine={false} axisLine={false} interval={0} />
      <Tooltip contentStyle={TOOLTIP_STYLE} cursor={{ fill: CURSOR_FILL }} />
      <Legend {...LEGEND_PROPS} />
      <Bar dataKey="answered" name="Answered" stackId="m" fill={COLORS.indigo} isAnimationActive={ANIMATE} maxBarSize={16} />
      <Bar dataKey="failed" name="Failed" stackId="m" fill={COLORS.rose} isAnimationActive={ANIMATE} maxBarSize={16} />
    </BarChart>
  )
}

/** Chat volume, who answered, how fast, and with which model. */
export function ChatCharts({ chat }: { chat: ChatAnalytics | null }) {
  return (
    <>
      <ChartCard
        testId="chart-chat-volume"
        title="Chat volume"
        state={chartState(chat, (c) => c.over_time.some((b) => b.count > 0 || b.errors > 0))}
        empty="Questions asked through this node appear here."
        summary={
          chat && (
            <>
              <span data-testid="chat-total">{formatCount(chat.total)}</span> answers ·{' '}
              <span className={chat.errors > 0 ? 'text-red-600' : ''}>{formatCount(chat.errors)} failed</span> ·{' '}
              {formatCount(chat.failovers)} failovers
            </>
          )
        }
        className="lg:col-span-2"
      >
        {chat && <Volume chat={chat} />}
      </ChartCard>

      <ChartCard
        testId="chart-answers-by-host"
        title="Answers by host"
        state={chartState(chat, (c) => c.by_host.some((h) => h.count > 0))}
        empty="Which node of the mesh answered this node's questions."
      >
        {chat && <ByHost chat={chat} />}
      </ChartCard>

      <ChartCard
        testId="chart-answers-by-model"
        title="Answers by model"
        state={chartState(chat, (c) => c.by_model.some((m) => m.count > 0))}
        empty="The models that answered, and how often."
      >
        {chat && <ByModel chat={chat} />}
      </ChartCard>

      <ChartCard
        testId="chart-speed"
        title="Generation speed"
        state={chartState(chat, (c) => c.tokens_per_second.count > 0 || c.ttft_ms.count > 0)}
        empty="Tokens per second and time to first token of the answers."
        className="lg:col-span-2"
      >
        {chat && (
          <div className="grid gap-5">
            <StatRow label="Tokens per second" stats={chat.tokens_per_second} format={formatRate} testId="speed-tokens-per-second" />
            <StatRow label="Time to first token" stats={chat.ttft_ms} format={formatLatency} testId="speed-ttft" />
          </div>
        )}
      </ChartCard>
    </>
  )
}
