import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts'
import type { NetworkAnalytics } from '../../api/types'
import { peerDisplayName } from '../../lib/format'
import { ChartCard, chartState, Figure, ScrollingTable } from './ChartCard'
import { ANIMATE, AXIS_TICK, COLORS, CURSOR_FILL, GRID_STROKE, TOOLTIP_STYLE } from './chartTheme'
import { formatCount, formatLatency, formatSize } from './format'
import { TimeChart } from './TimeChart'

const CHANNELS = [
  { key: 'discovery', name: 'Discovery', color: COLORS.amber },
  { key: 'links', name: 'Mesh links', color: COLORS.sky },
  { key: 'proxy', name: 'Proxy', color: COLORS.violet },
] as const

function Traffic({ network }: { network: NetworkAnalytics }) {
  return (
    <div className="space-y-4">
      <div className="grid grid-cols-1 gap-2 sm:grid-cols-3">
        {CHANNELS.map((c) => {
          const totals = network.bytes.find((b) => b.channel === c.key)
          return (
            <Figure
              key={c.key}
              label={c.name}
              testId={`traffic-${c.key}`}
              value={`↓ ${formatSize(totals?.in ?? 0)}  ↑ ${formatSize(totals?.out ?? 0)}`}
            />
          )
        })}
      </div>
      <TimeChart
        data={network.bytes_over_time}
        bucketSeconds={network.bucket_seconds}
        kind="bar"
        stacked
        series={CHANNELS.map((c) => ({ ...c }))}
        format={formatSize}
      />
    </div>
  )
}

function RttTable({ network }: { network: NetworkAnalytics }) {
  const TH = 'px-3 py-2 font-medium whitespace-nowrap text-right'
  const TD = 'px-3 py-2 whitespace-nowrap text-right tabular-nums'
  return (
    <ScrollingTable label="Link round trips, as a table">
      <table data-testid="rtt-table" className="w-full text-left text-sm">
        <thead className="border-y border-slate-200 bg-slate-50 text-xs tracking-wide text-slate-500 uppercase">
          <tr>
            <th scope="col" className="px-3 py-2 pl-5 font-medium">Peer</th>
            <th scope="col" className={TH}>Pings</th>
            <th scope="col" className={TH}>p50</th>
            <th scope="col" className={TH}>p95</th>
            <th scope="col" className={TH}>p99</th>
            <th scope="col" className={`${TH} pr-5`}>Max</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 text-slate-700">
          {network.link_rtt_ms.map((l) => (
            <tr key={l.node_id} data-testid="rtt-row" data-node-id={l.node_id}>
              <td className="max-w-48 truncate px-3 py-2 pl-5 font-medium text-slate-900" title={l.node_id}>
                {peerDisplayName(l)}
              </td>
              <td className={TD}>{formatCount(l.rtt.count)}</td>
              <td className={TD}>{formatLatency(l.rtt.p50, l.rtt.count)}</td>
              <td className={TD}>{formatLatency(l.rtt.p95, l.rtt.count)}</td>
              <td className={TD}>{formatLatency(l.rtt.p99, l.rtt.count)}</td>
              <td className={`${TD} pr-5`}>{formatLatency(l.rtt.max, l.rtt.count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollingTable>
  )
}

function Discovery({ network }: { network: NetworkAnalytics }) {
  const { sent, received, dropped } = network.discovery
  const droppedTotal = dropped.reduce((sum, d) => sum + d.count, 0)
  return (
    <div className="space-y-4">
      <div className="grid grid-cols-3 gap-2">
        <Figure label="Sent" testId="discovery-sent" value={formatCount(sent)} />
        <Figure label="Received" testId="discovery-received" value={formatCount(received)} />
        <Figure label="Dropped" testId="discovery-dropped" value={formatCount(droppedTotal)} />
      </div>
      {dropped.length > 0 ? (
        <BarChart
          responsive
          layout="vertical"
          style={{ width: '100%', height: Math.max(120, dropped.length * 28 + 32) }}
          data={dropped}
          margin={{ top: 0, right: 8, left: 0, bottom: 0 }}
        >
          <CartesianGrid stroke={GRID_STROKE} strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" allowDecimals={false} tick={AXIS_TICK} tickLine={false} axisLine={{ stroke: GRID_STROKE }} />
          <YAxis type="category" dataKey="reason" width={120} tick={{ ...AXIS_TICK, fontFamily: 'var(--font-mono)' }} tickLine={false} axisLine={false} interval={0} />
          <Tooltip contentStyle={TOOLTIP_STYLE} cursor={{ fill: CURSOR_FILL }} />
          <Bar dataKey="count" name="Dropped" fill={COLORS.amber} isAnimationActive={ANIMATE} maxBarSize={14} />
        </BarChart>
      ) : (
        <p className="text-sm text-slate-500">No datagram was dropped.</p>
      )}
    </div>
  )
}

/**
 * The series plus a point at `to` holding the last bucket's value: a step line draws each bucket's value across
 * the bucket, and without it the newest bucket (often the only non-zero one on a new node) would have no width.
 */
function withEnd<T extends { t: number }>(series: T[], to: number): T[] {
  const last = series[series.length - 1]
  return last ? [...series, { ...last, t: to }] : series
}

/** Peers over time, link round trips, discovery datagrams, and bytes per channel. */
export function NetworkCharts({ network }: { network: NetworkAnalytics | null }) {
  return (
    <>
      <ChartCard
        testId="chart-network-traffic"
        title="Network traffic"
        state={chartState(network, (n) => n.bytes_over_time.some((b) => b.discovery + b.links + b.proxy > 0))}
        empty="Bytes in and out on discovery, mesh links and the file proxy."
        className="lg:col-span-2"
      >
        {network && <Traffic network={network} />}
      </ChartCard>

      <ChartCard
        testId="chart-peers"
        title="Peers over time"
        state={chartState(network, (n) => n.peers_now > 0 || n.peers_over_time.some((p) => p.peers > 0))}
        empty="Linked peers over the range. This node has had none."
        summary={network && `${formatCount(network.peers_now)} peers · ${formatCount(network.links_up)} links up`}
      >
        {network && (
          <TimeChart
            data={withEnd(network.peers_over_time, network.to)}
            bucketSeconds={network.bucket_seconds}
            kind="line"
            step
            series={[{ key: 'peers', name: 'Peers', color: COLORS.emerald }]}
            format={(v) => formatCount(v)}
          />
        )}
      </ChartCard>

      <ChartCard
        testId="chart-link-rtt"
        title="Link round trips"
        state={chartState(network, (n) => n.link_rtt_ms.length > 0)}
        empty="Ping round trips of the mesh links to peers."
      >
        {network && <RttTable network={network} />}
      </ChartCard>

      <ChartCard
        testId="chart-discovery"
        title="Discovery"
        state={chartState(network, (n) => n.discovery.sent + n.discovery.received > 0 || n.discovery.dropped.length > 0)}
        empty="LAN discovery datagrams sent, received and dropped (discovery may be off)."
        className="lg:col-span-2"
      >
        {network && <Discovery network={network} />}
      </ChartCard>
    </>
  )
}
