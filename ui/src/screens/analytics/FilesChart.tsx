import type { FilesAnalytics } from '../../api/types'
import { peerDisplayName } from '../../lib/format'
import { ChartCard, chartState, Figure } from './ChartCard'
import { COLORS } from './chartTheme'
import { formatCount, formatSize } from './format'
import { TimeChart } from './TimeChart'

const hasTraffic = (f: FilesAnalytics) =>
  [f.uploads, f.downloads, f.proxied, f.served_to_peers].some((x) => x.count > 0 || x.bytes > 0)

/** Uploads, downloads and proxied bytes over time, with totals and the peers the bytes went to or came from. */
export function FilesChart({ files }: { files: FilesAnalytics | null }) {
  return (
    <ChartCard
      testId="chart-files"
      title="Files traffic"
      state={chartState(files, hasTraffic)}
      empty="Uploads, downloads and files fetched from peers appear here."
      className="lg:col-span-2"
    >
      {files && (
        <div className="space-y-4">
          <div className="grid grid-cols-2 gap-2 md:grid-cols-4">
            <Figure label="Uploads" testId="files-uploads" value={`${formatCount(files.uploads.count)} · ${formatSize(files.uploads.bytes)}`} />
            <Figure label="Downloads" testId="files-downloads" value={`${formatCount(files.downloads.count)} · ${formatSize(files.downloads.bytes)}`} />
            <Figure
              label="From peers"
              hint="Peer files fetched through this node"
              value={`${formatCount(files.proxied.count)} · ${formatSize(files.proxied.bytes)}`}
            />
            <Figure
              label="Served to peers"
              hint="This node's files fetched by peers"
              value={`${formatCount(files.served_to_peers.count)} · ${formatSize(files.served_to_peers.bytes)}`}
            />
          </div>
          <TimeChart
            data={files.over_time}
            bucketSeconds={files.bucket_seconds}
            kind="bar"
            stacked
            series={[
              { key: 'upload_bytes', name: 'Uploaded', color: COLORS.emerald },
              { key: 'download_bytes', name: 'Downloaded', color: COLORS.sky },
              { key: 'proxied_bytes', name: 'From peers', color: COLORS.violet },
            ]}
            format={formatSize}
          />
          {files.by_node.length > 0 && (
            <ul className="divide-y divide-slate-100 text-sm" data-testid="files-by-node">
              {files.by_node.map((n) => (
                <li key={n.node_id} className="flex items-center justify-between gap-4 py-1.5">
                  <span className="truncate text-slate-700" title={n.node_id}>
                    {peerDisplayName(n)}
                  </span>
                  <span className="text-xs whitespace-nowrap text-slate-500 tabular-nums">
                    {formatSize(n.proxied_bytes)} fetched · {formatSize(n.served_bytes)} served
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </ChartCard>
  )
}
