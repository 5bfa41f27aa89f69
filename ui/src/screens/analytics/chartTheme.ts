// Shared look of the Recharts charts: a few distinct series colours, and chrome (grid, axes, tooltip) that follows the
// light or dark theme through CSS variables (index.css), so a theme switch recolours drawn charts without a re-render.
import type { CSSProperties } from 'react'

export const COLORS = {
  sky: '#0ea5e9',
  indigo: '#6366f1',
  violet: '#8b5cf6',
  emerald: '#10b981',
  amber: '#f59e0b',
  rose: '#f43f5e',
  teal: '#14b8a6',
  slate: '#94a3b8',
} as const

/** Colours for categories (hosts, models) in order. */
export const PALETTE = [COLORS.sky, COLORS.indigo, COLORS.emerald, COLORS.amber, COLORS.violet, COLORS.teal, COLORS.rose, COLORS.slate]

export const GRID_STROKE = 'var(--chart-grid)'
export const AXIS_TICK = { fill: 'var(--chart-axis)', fontSize: 11 }
/** Drawn around slices and dots, to part them from their neighbours: the card's own colour. */
export const SURFACE = 'var(--chart-surface)'
/** The hover band behind the bar or point under the pointer. */
export const CURSOR_FILL = 'var(--chart-cursor)'
export const CHART_HEIGHT = 224

export const TOOLTIP_STYLE: CSSProperties = {
  borderRadius: 8,
  border: '1px solid var(--chart-grid)',
  backgroundColor: 'var(--chart-surface)',
  color: 'var(--chart-text)',
  boxShadow: '0 4px 12px rgb(15 23 42 / 0.08)',
  fontSize: 12,
  padding: '6px 10px',
}

/** Legend props: small round icons, series in the order they are drawn (Recharts sorts by name by default). */
export const LEGEND_PROPS = { wrapperStyle: { fontSize: 12 }, iconType: 'circle', iconSize: 8, itemSorter: null } as const

/** Lowest value a log-scale latency axis shows (ms); smaller values are drawn at this floor. */
export const LOG_FLOOR = 0.1

/** Powers of ten from LOG_FLOOR up to the first one at or above `max`: the ticks of a log latency axis. */
export function logTicks(max: number): number[] {
  const ticks = [LOG_FLOOR]
  while (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] * 10)
  return ticks.length > 1 ? ticks : [LOG_FLOOR, 1]
}

/** The chart's own size: full card width, fixed height. */
export const CHART_STYLE: CSSProperties = { width: '100%', height: CHART_HEIGHT }

/** Recharts animations, unless the person asked their system for reduced motion. */
export const ANIMATE = typeof window === 'undefined' || !window.matchMedia?.('(prefers-reduced-motion: reduce)').matches
