import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts'
import { bucketLabel, tickFormatter } from './format'
import { ANIMATE, AXIS_TICK, CHART_STYLE, CURSOR_FILL, GRID_STROKE, LEGEND_PROPS, logTicks, LOG_FLOOR, SURFACE, TOOLTIP_STYLE } from './chartTheme'

/** A time bucket: `t` (start, unix ms) and the series' values (null: nothing to draw, e.g. no requests). */
export type Point = { t: number } & Record<string, number | null>

export interface Series {
  key: string
  name: string
  color: string
}

/**
 * A point with no neighbour on either side draws no line segment, so it gets a dot (e.g. the first minute of
 * requests, or one sample between gaps); every other point stays a plain line.
 */
function IsolatedDot({ cx, cy, index, data, dataKey, color }: {
  cx?: number
  cy?: number
  index?: number
  data: Point[]
  dataKey: string
  color: string
}) {
  const has = (i: number) => data[i]?.[dataKey] != null
  if (index == null || cx == null || cy == null || !has(index) || has(index - 1) || has(index + 1)) return <g />
  return <circle className="recharts-dot" cx={cx} cy={cy} r={3} fill={color} stroke={SURFACE} strokeWidth={1} />
}

/**
 * One of the `*_over_time` series as bars or lines; `t` (bucket start, unix ms) on the x axis.
 * `stacked` stacks bars; `step` draws lines as steps (counts that hold between samples);
 * `log` puts the y axis on a log scale (latencies spanning milliseconds to seconds).
 */
export function TimeChart({ data, bucketSeconds, series, kind, stacked = false, step = false, log = false, format }: {
  data: Point[]
  bucketSeconds: number
  series: Series[]
  kind: 'bar' | 'line'
  stacked?: boolean
  step?: boolean
  log?: boolean
  /** Formats y values (axis and tooltip). */
  format: (value: number) => string
}) {
  const tick = tickFormatter(bucketSeconds)
  const max = log ? Math.max(0, ...data.flatMap((p) => series.map((s) => p[s.key] ?? 0))) : 0
  const ticks = log ? logTicks(max) : []
  const yScale = log
    ? { scale: 'log' as const, domain: [LOG_FLOOR, ticks[ticks.length - 1]], ticks, allowDataOverflow: true }
    : { allowDecimals: false }
  const common = (
    <>
      <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="t" tickFormatter={tick} tick={AXIS_TICK} tickLine={false} axisLine={{ stroke: GRID_STROKE }} minTickGap={28} />
      <YAxis tickFormatter={format} tick={AXIS_TICK} tickLine={false} axisLine={false} width={64} {...yScale} />
      <Tooltip
        contentStyle={TOOLTIP_STYLE}
        labelFormatter={(t) => (typeof t === 'number' ? bucketLabel(t, bucketSeconds) : String(t))}
        formatter={(value) => (typeof value === 'number' ? format(value) : String(value))}
        cursor={{ fill: CURSOR_FILL, stroke: GRID_STROKE }}
      />
      {series.length > 1 && <Legend {...LEGEND_PROPS} />}
    </>
  )
  const stackId = stacked ? 'stack' : undefined

  if (kind === 'bar') {
    return (
      <BarChart responsive style={CHART_STYLE} data={data} margin={{ top: 4, right: 8, left: 0, bottom: 0 }}>
        {common}
        {series.map((s) => (
          <Bar key={s.key} dataKey={s.key} name={s.name} fill={s.color} stackId={stackId} isAnimationActive={ANIMATE} maxBarSize={18} />
        ))}
      </BarChart>
    )
  }
  return (
    <LineChart responsive style={CHART_STYLE} data={data} margin={{ top: 4, right: 8, left: 0, bottom: 0 }}>
      {common}
      {series.map((s) => (
        <Line
          key={s.key}
          type={step ? 'stepAfter' : 'monotone'}
          dataKey={s.key}
          name={s.name}
          stroke={s.color}
          strokeWidth={2}
          dot={(props: { cx?: number; cy?: number; index?: number }) => (
            <IsolatedDot key={`${s.key}-${props.index}`} cx={props.cx} cy={props.cy} index={props.index} data={data} dataKey={s.key} color={s.color} />
          )}
          isAnimationActive={ANIMATE}
        />
      ))}
    </LineChart>
  )
}
