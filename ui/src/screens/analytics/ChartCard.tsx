import { useId, type ReactNode } from 'react'

/** What a chart card shows: a skeleton before the first answer, a note when the range has no data, or the chart. */
export type ChartState = 'loading' | 'empty' | 'data'

/**
 * White card around one chart or table. `data-testid` is `testId`; `data-state` tells tests (and
 * people reading the DOM) whether the chart was drawn with data.
 */
export function ChartCard({ testId, title, state, empty, summary, className = '', children }: {
  testId: string
  title: string
  state: ChartState
  /** Shown instead of the chart when there is nothing in the range. */
  empty: string
  /** Small text or figures on the right of the title. */
  summary?: ReactNode
  className?: string
  children?: ReactNode
}) {
  const titleId = useId()
  return (
    <section
      data-testid={testId}
      data-state={state}
      aria-labelledby={titleId}
      aria-busy={state === 'loading'}
      className={`flex min-w-0 flex-col rounded-xl border border-slate-200 bg-white p-5 shadow-sm ${className}`}
    >
      <header className="mb-4 flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <h2 id={titleId} className="text-sm font-semibold text-slate-900">
          {title}
        </h2>
        {state === 'data' && summary && <div className="text-xs text-slate-500 tabular-nums">{summary}</div>}
      </header>
      {state === 'loading' ? (
        <div className="h-56 animate-pulse rounded-lg bg-slate-100" aria-hidden="true" />
      ) : state === 'empty' ? (
        <div
          data-testid="chart-empty"
          className="flex h-32 flex-col items-center justify-center rounded-lg border border-dashed border-slate-200 bg-slate-50/60 px-6 text-center"
        >
          <p className="text-sm font-medium text-slate-600">No data yet</p>
          <p className="mt-1 max-w-xs text-xs text-slate-500">{empty}</p>
        </div>
      ) : (
        children
      )}
    </section>
  )
}

/** `loading` until `data` arrives, then `empty` or `data` by `hasData`. */
export function chartState<T>(data: T | null, hasData: (data: T) => boolean): ChartState {
  if (data == null) return 'loading'
  return hasData(data) ? 'data' : 'empty'
}

/** A figure with its label, for the totals above or beside a chart. */
export function Figure({ label, value, testId, hint }: { label: string; value: ReactNode; testId?: string; hint?: string }) {
  return (
    <div className="min-w-0 rounded-lg bg-slate-50 px-3 py-2 ring-1 ring-slate-100" title={hint}>
      <p className="truncate text-[11px] font-medium tracking-wide text-slate-500 uppercase">{label}</p>
      <p data-testid={testId} className="mt-0.5 truncate text-sm font-semibold text-slate-900 tabular-nums sm:text-base">
        {value}
      </p>
    </div>
  )
}

/** A table that may be wider than the card (on a phone): it scrolls sideways, and takes focus so keys can scroll it too. */
export function ScrollingTable({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} className="-mx-5 overflow-x-auto focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-sky-500">
      {children}
    </div>
  )
}
