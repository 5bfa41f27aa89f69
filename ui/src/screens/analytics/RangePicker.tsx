import { RANGES, type Range } from '../../api/analytics'

const LABELS: Record<Range, string> = { '1h': '1 hour', '6h': '6 hours', '24h': '24 hours', '7d': '7 days', '30d': '30 days' }

/** Segmented control for the analytics range. Test ids: `range-picker`, `range-<value>` (aria-pressed on the chosen one). */
export function RangePicker({ value, onChange }: { value: Range; onChange: (range: Range) => void }) {
  return (
    <div
      role="group"
      aria-label="Time range"
      data-testid="range-picker"
      className="inline-flex rounded-lg border border-slate-200 bg-white p-0.5 shadow-sm"
    >
      {RANGES.map((r) => {
        const active = r === value
        return (
          <button
            key={r}
            type="button"
            data-testid={`range-${r}`}
            aria-pressed={active}
            title={`Last ${LABELS[r]}`}
            onClick={() => onChange(r)}
            className={`rounded-md px-3 py-1.5 text-sm font-medium tabular-nums transition-colors focus-visible:outline-2 focus-visible:outline-sky-500 ${
              active ? 'bg-slate-900 text-white shadow-sm' : 'text-slate-600 hover:bg-slate-100 hover:text-slate-900'
            }`}
          >
            {r}
          </button>
        )
      })}
    </div>
  )
}
