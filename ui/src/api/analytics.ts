// GET /api/analytics/* (issue 6). Responses are normalised: a missing list is empty, a missing
// number is 0, so a screen never breaks on a node that sends less than it expects.
import { request, unexpectedResponse } from './http'
import type {
  AnalyticsWindow,
  ChatAnalytics,
  EngagementAnalytics,
  FilesAnalytics,
  NetworkAnalytics,
  PerfAnalytics,
  RouteStats,
  Stats,
  Traffic,
} from './types'

/** The time ranges the analytics endpoints accept (`?range=`). */
export const RANGES = ['1h', '6h', '24h', '7d', '30d'] as const
export type Range = (typeof RANGES)[number]
export const DEFAULT_RANGE: Range = '24h'

export function isRange(value: string | null | undefined): value is Range {
  return (RANGES as readonly string[]).includes(value ?? '')
}

type Json = Record<string, unknown>

function obj(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {}
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

function list<T>(value: unknown, item: (v: Json) => T): T[] {
  return Array.isArray(value) ? value.map((v) => item(obj(v))) : []
}

/** Every listed key of `v` as a number (0 when absent). */
function numbers<K extends string>(v: Json, keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, num(v[k])])) as Record<K, number>
}

const STAT_KEYS = ['count', 'mean', 'p50', 'p95', 'p99', 'max'] as const

function stats(value: unknown): Stats {
  return numbers(obj(value), STAT_KEYS)
}

function traffic(value: unknown): Traffic {
  return numbers(obj(value), ['count', 'bytes'])
}

function windowOf(v: Json): AnalyticsWindow {
  return { range: str(v.range), ...numbers(v, ['from', 'to', 'bucket_seconds']) }
}

function routeStats(v: Json): RouteStats {
  return {
    route: str(v.route),
    ...numbers(v, ['count', 'errors', 'client_errors', 'bytes_in', 'bytes_out']),
    latency_ms: stats(v.latency_ms),
  }
}

async function getAnalytics(kind: string, range: Range, signal?: AbortSignal): Promise<Json> {
  const data = await request<unknown>(`/api/analytics/${kind}?range=${encodeURIComponent(range)}`, { signal })
  if (!data || typeof data !== 'object') throw unexpectedResponse()
  return data as Json
}

/** GET /api/analytics/perf: request latency per route, outgoing calls, latency over time. */
export async function getPerfAnalytics(range: Range, signal?: AbortSignal): Promise<PerfAnalytics> {
  const v = await getAnalytics('perf', range, signal)
  return {
    ...windowOf(v),
    routes: list(v.routes, routeStats),
    calls: list(v.calls, (c) => ({ ...routeStats(c), target: str(c.target) })),
    latency_over_time: list(v.latency_over_time, (p) => numbers(p, ['t', 'count', 'p50', 'p95', 'p99'])),
  }
}

/** GET /api/analytics/chat: answers over time, by model and by host, speed. */
export async function getChatAnalytics(range: Range, signal?: AbortSignal): Promise<ChatAnalytics> {
  const v = await getAnalytics('chat', range, signal)
  return {
    ...windowOf(v),
    ...numbers(v, ['total', 'errors', 'failovers']),
    by_model: list(v.by_model, (m) => ({ model: str(m.model), ...numbers(m, ['count', 'errors']) })),
    by_host: list(v.by_host, (h) => ({ node_id: str(h.node_id), name: str(h.name), local: h.local === true, count: num(h.count) })),
    over_time: list(v.over_time, (p) => numbers(p, ['t', 'count', 'errors'])),
    ttft_ms: stats(v.ttft_ms),
    tokens_per_second: stats(v.tokens_per_second),
    errors_by_reason: list(v.errors_by_reason, (r) => ({ reason: str(r.reason), count: num(r.count) })),
  }
}

/** GET /api/analytics/files: uploads, downloads and proxied traffic. */
export async function getFilesAnalytics(range: Range, signal?: AbortSignal): Promise<FilesAnalytics> {
  const v = await getAnalytics('files', range, signal)
  return {
    ...windowOf(v),
    uploads: traffic(v.uploads),
    downloads: traffic(v.downloads),
    proxied: traffic(v.proxied),
    served_to_peers: traffic(v.served_to_peers),
    by_node: list(v.by_node, (n) => ({ node_id: str(n.node_id), name: str(n.name), ...numbers(n, ['proxied_bytes', 'served_bytes']) })),
    over_time: list(v.over_time, (p) =>
      numbers(p, ['t', 'uploads', 'upload_bytes', 'downloads', 'download_bytes', 'proxied_bytes']),
    ),
  }
}

/** GET /api/analytics/engagement: messages, conversations and logins. */
export async function getEngagementAnalytics(range: Range, signal?: AbortSignal): Promise<EngagementAnalytics> {
  const v = await getAnalytics('engagement', range, signal)
  return {
    ...windowOf(v),
    ...numbers(v, ['messages', 'active_conversations', 'logins', 'failed_logins']),
    messages_per_hour: list(v.messages_per_hour, (p) => numbers(p, ['t', 'count'])),
    messages_per_day: list(v.messages_per_day, (p) => numbers(p, ['t', 'count'])),
  }
}

/** GET /api/analytics/network: peers, link round trips, discovery and traffic per channel. */
export async function getNetworkAnalytics(range: Range, signal?: AbortSignal): Promise<NetworkAnalytics> {
  const v = await getAnalytics('network', range, signal)
  const discovery = obj(v.discovery)
  return {
    ...windowOf(v),
    ...numbers(v, ['peers_now', 'links_up']),
    peers_over_time: list(v.peers_over_time, (p) => numbers(p, ['t', 'peers'])),
    link_rtt_ms: list(v.link_rtt_ms, (l) => ({ node_id: str(l.node_id), name: str(l.name), rtt: stats(l.rtt) })),
    discovery: {
      ...numbers(discovery, ['sent', 'received']),
      dropped: list(discovery.dropped, (d) => ({ reason: str(d.reason), count: num(d.count) })),
    },
    bytes: list(v.bytes, (b) => ({ channel: str(b.channel), ...numbers(b, ['in', 'out']) })),
    bytes_over_time: list(v.bytes_over_time, (p) => numbers(p, ['t', 'discovery', 'links', 'proxy'])),
  }
}
