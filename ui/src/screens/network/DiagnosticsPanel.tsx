import { useCallback, useEffect, useRef, useState } from 'react'
import { getDiagnostics } from '../../api/diagnostics'
import { ApiError, isAbortError } from '../../api/http'
import type { Finding, FindingLevel } from '../../api/types'
import { Spinner } from '../../components/Spinner'
import { splitFindings, summarizeFindings } from '../../lib/diagnostics'

const LEVELS: Record<FindingLevel, { label: string; badge: string }> = {
  error: { label: 'Problem', badge: 'bg-red-50 text-red-700 ring-red-200' },
  warning: { label: 'Check', badge: 'bg-amber-50 text-amber-800 ring-amber-200' },
  info: { label: 'Note', badge: 'bg-sky-50 text-sky-700 ring-sky-200' },
  ok: { label: 'OK', badge: 'bg-emerald-50 text-emerald-700 ring-emerald-200' },
}

function FindingItem({ finding }: { finding: Finding }) {
  const level = LEVELS[finding.level] ?? LEVELS.info
  return (
    <li data-testid="finding" data-level={finding.level} data-code={finding.code} className="flex gap-3 px-4 py-3">
      <span
        className={`mt-0.5 inline-flex h-fit shrink-0 rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ${level.badge}`}
      >
        {level.label}
      </span>
      <div className="min-w-0 text-sm">
        <p data-testid="finding-message" className="break-words text-slate-800">
          {finding.message}
        </p>
        {finding.fix && (
          <p data-testid="finding-fix" className="mt-1 break-words text-slate-600">
            <span className="font-medium text-slate-700">How to fix: </span>
            {finding.fix}
          </p>
        )}
      </div>
    </li>
  )
}

/**
 * The doctor on the Network screen: why this node may have no peers, in plain words, and how to fix it. Asked once when
 * the screen opens (not polled: the reach-back test makes peers dial this node); "Check again" runs every check afresh.
 */
export function DiagnosticsPanel() {
  const [findings, setFindings] = useState<Finding[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [running, setRunning] = useState(false)
  const current = useRef<AbortController | null>(null)

  const run = useCallback(async (refresh: boolean) => {
    current.current?.abort()
    const ctrl = new AbortController()
    current.current = ctrl
    setRunning(true)
    setError(null)
    try {
      const result = await getDiagnostics(refresh, ctrl.signal)
      if (current.current === ctrl) setFindings(result)
    } catch (err) {
      if (isAbortError(err) || current.current !== ctrl) return
      if (err instanceof ApiError && err.status === 401) return // handled globally
      setError(err instanceof ApiError && err.status !== 0 ? `Diagnostics failed: ${err.message}` : 'Could not reach the node')
    } finally {
      if (current.current === ctrl) setRunning(false)
    }
  }, [])

  useEffect(() => {
    void run(false)
    return () => current.current?.abort()
  }, [run])

  const { attention, passed } = splitFindings(findings ?? [])

  return (
    <section aria-labelledby="diagnostics-title" data-testid="diagnostics" className="mt-8">
      <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="diagnostics-title" className="text-lg font-semibold text-slate-900">
            Diagnostics
          </h2>
          <p role="status" data-testid="diagnostics-summary" className="mt-0.5 text-sm text-slate-600">
            {findings == null
              ? running
                ? 'Checking discovery, ports, the firewall and whether peers can reach this node…'
                : ''
              : summarizeFindings(findings)}
          </p>
        </div>
        <button
          type="button"
          data-testid="diagnostics-run"
          onClick={() => void run(true)}
          disabled={running}
          aria-busy={running}
          className="inline-flex items-center gap-2 rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold text-slate-700 shadow-sm transition hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:cursor-wait disabled:opacity-60"
        >
          {running && <Spinner className="h-4 w-4" />}
          {running ? 'Checking…' : 'Check again'}
        </button>
      </div>

      {error && (
        <p role="alert" data-testid="diagnostics-error" className="mb-3 text-sm text-red-700">
          {error}
        </p>
      )}

      {findings && (
        <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
          {attention.length > 0 && (
            <ul className="divide-y divide-slate-100" aria-label="Findings that need attention">
              {attention.map((f, i) => (
                <FindingItem key={`${f.code}-${i}`} finding={f} />
              ))}
            </ul>
          )}
          {passed.length > 0 && (
            <details data-testid="diagnostics-passed" className="border-t border-slate-100 first:border-t-0">
              <summary className="cursor-pointer px-4 py-3 text-sm font-medium text-slate-700 hover:bg-slate-50">
                {passed.length} {passed.length === 1 ? 'check' : 'checks'} passed
              </summary>
              <ul className="divide-y divide-slate-100 border-t border-slate-100">
                {passed.map((f, i) => (
                  <FindingItem key={`${f.code}-${i}`} finding={f} />
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
    </section>
  )
}
