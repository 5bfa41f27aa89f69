// Number and time formatting shared by the analytics charts and the Dashboard's quick stats.
// No chart library here: the Dashboard imports this without pulling Recharts into the main bundle.

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 })
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 })

/** "1,234"; "1.2M" with `short`. */
export function formatCount(n: number, short = false): string {
  return short && Math.abs(n) >= 10_000 ? compact.format(n) : integer.format(n)
}

/** Tokens per second: "42.5 tok/s"; "—" when there were none. */
export function formatRate(tokensPerSecond: number, count = 1): string {
  if (count === 0 || !Number.isFinite(tokensPerSecond)) return '—'
  return `${tokensPerSecond < 100 ? tokensPerSecond.toFixed(1) : Math.round(tokensPerSecond)} tok/s`
}

/** Latency in ms: "0.4 ms", "85 ms", "1.2 s"; "—" when nothing was measured. */
export function formatLatency(ms: number, count = 1): string {
  if (count === 0 || !Number.isFinite(ms)) return '—'
  if (ms < 10) return `${Number(ms.toFixed(1))} ms`
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = ms / 1000
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`
}

/** Bytes for an axis or a table: "0 B", "512 B", "3.4 KB", "12 MB". */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B'
  if (bytes < 1024) return `${Math.round(bytes)} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let v = bytes / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const dayAndHour = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' })
const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' })
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

/** Axis label for a bucket start, as fine as the buckets: "14:05" (≤ 24 h), "Wed 14:00" (7 d), "Nov 26" (30 d). */
export function tickFormatter(bucketSeconds: number): (t: number) => string {
  if (bucketSeconds < 3600) return (t) => timeOfDay.format(t)
  if (bucketSeconds < 14400) return (t) => dayAndHour.format(t)
  return (t) => day.format(t)
}

/** Tooltip label for a bucket: "Nov 26, 2026, 14:05 – 14:20". */
export function bucketLabel(t: number, bucketSeconds: number): string {
  const end = t + bucketSeconds * 1000
  return `${full.format(t)} – ${bucketSeconds < 86400 ? timeOfDay.format(end) : full.format(end)}`
}
