import type { ChatHost } from '../api/types'
import { formatAgo, formatMs, formatTimestamp } from '../lib/format'

export interface AnswerStats {
  latencyMs?: number | null
  ttftMs?: number | null
  tokensPerS?: number | null
  completionTokens?: number | null
}

/**
 * One line under an answer: who answered (name, IP, "local" when it is this node), the model,
 * and how fast. `hostTestId` goes on the host part; `pending` words it as still answering, and
 * `failed` as an answer that broke (never "Answered by" for one that did not finish).
 */
export function AnswerMeta({
  host,
  localNodeId,
  model,
  stats = {},
  createdAt,
  now,
  pending = false,
  failed = false,
  hostTestId,
}: {
  host: ChatHost | null
  localNodeId?: string | null
  model?: string | null
  stats?: AnswerStats
  createdAt?: string | null
  now?: number
  pending?: boolean
  failed?: boolean
  hostTestId?: string
}) {
  const local = host != null && localNodeId != null && host.node_id === localNodeId
  const { latencyMs, ttftMs, tokensPerS, completionTokens } = stats
  const parts: string[] = []
  if (latencyMs != null) parts.push(formatMs(latencyMs))
  if (ttftMs != null) parts.push(`first token ${formatMs(ttftMs)}`)
  if (tokensPerS != null && Number.isFinite(tokensPerS)) parts.push(`${tokensPerS < 10 ? tokensPerS.toFixed(1) : Math.round(tokensPerS)} tokens/s`)
  else if (completionTokens != null) parts.push(`${completionTokens} tokens`)

  if (!host && !model && parts.length === 0 && !createdAt) return null
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-500">
      {host && (
        <span data-testid={hostTestId} data-local={local ? 'true' : 'false'} className="inline-flex items-center gap-1.5">
          <span aria-hidden="true" className={`h-1.5 w-1.5 rounded-full ${local ? 'bg-sky-500' : 'bg-emerald-500'}`} />
          <span>
            {pending ? 'Answering on' : failed ? 'Partial answer from' : 'Answered by'}{' '}
            <span className="font-semibold text-slate-700">{host.name || host.node_id.slice(0, 12)}</span>
          </span>
          {host.ip && <span className="font-mono text-slate-400">{host.ip}</span>}
          {local && (
            <span className="rounded bg-sky-50 px-1.5 py-px text-[11px] font-semibold text-sky-700 ring-1 ring-sky-200">
              local
            </span>
          )}
        </span>
      )}
      {model && <span className="font-mono text-slate-500">{model}</span>}
      {parts.length > 0 && (
        <span data-testid="answer-speed" className="tabular-nums">
          {parts.join(' · ')}
        </span>
      )}
      {createdAt && (
        <time dateTime={createdAt} title={formatTimestamp(createdAt)} className="tabular-nums">
          {formatAgo(createdAt, now)}
        </time>
      )}
    </div>
  )
}
