// Pure formatting helpers shared by the screens: durations, ages, byte counts, peer names.
// No API calls here; anything that depends on the clock takes `now` so it can be tested.

/** Human-readable uptime, e.g. "42s", "3m 12s", "2h 5m 9s", "3d 4h 10m". */
export function formatUptime(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds))
  const days = Math.floor(s / 86400)
  const hours = Math.floor((s % 86400) / 3600)
  const minutes = Math.floor((s % 3600) / 60)
  const seconds = s % 60
  if (days > 0) return `${days}d ${hours}h ${minutes}m`
  if (hours > 0) return `${hours}h ${minutes}m ${seconds}s`
  if (minutes > 0) return `${minutes}m ${seconds}s`
  return `${seconds}s`
}

/** Relative time since an ISO timestamp, e.g. "5 s ago", "3 min ago", "2 h ago", "4 d ago"; "—" if unparsable. */
export function formatAgo(iso: string | null | undefined, now: number = Date.now()): string {
  const t = iso ? Date.parse(iso) : Number.NaN
  if (Number.isNaN(t)) return '—'
  return formatSecondsAgo((now - t) / 1000)
}

/** "5 s ago", "3 min ago", "2 h ago", "4 d ago" for a number of elapsed seconds (negative clamps to 0). */
export function formatSecondsAgo(elapsedSeconds: number): string {
  const s = Math.max(0, Math.floor(elapsedSeconds))
  if (s < 60) return `${s} s ago`
  if (s < 3600) return `${Math.floor(s / 60)} min ago`
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`
  return `${Math.floor(s / 86400)} d ago`
}

/** Display name of a peer: its name, or the start of its node id when it has none. */
export function peerDisplayName(p: { name?: string | null; node_id: string }): string {
  return p.name?.trim() || p.node_id.slice(0, 12)
}

/** Local date and time of an ISO timestamp (for tooltips); undefined if unparsable. */
export function formatTimestamp(iso: string | null | undefined): string | undefined {
  const t = iso ? Date.parse(iso) : Number.NaN
  return Number.isNaN(t) ? undefined : new Date(t).toLocaleString()
}

/** A duration in milliseconds: "850 ms", "1.2 s", "14 s"; "—" when unknown. */
export function formatMs(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = ms / 1000
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`
}

/** A byte count: "512 B", "3.4 KB", "12 MB"; "" when unknown. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes) || bytes < 0) return ''
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let v = bytes / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`
}
