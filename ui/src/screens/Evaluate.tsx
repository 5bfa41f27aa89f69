import { useEffect, useState, type FormEvent } from 'react'
import { cancelEvaluation, getEvaluations, reportUrl, resultsUrl, startEvaluation } from '../api/evaluations'
import { ApiError } from '../api/http'
import type { EvaluationRun } from '../api/types'
import { Page } from '../components/Page'
import { RetryingBanner } from '../components/RetryingBanner'
import { Spinner } from '../components/Spinner'
import { currentRun, describeRun, MAX_SECONDS, MIN_SECONDS, parseDuration, progressPercent } from '../lib/evaluation'
import { formatTimestamp } from '../lib/format'
import { usePoll } from '../usePoll'
import { INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON, Section } from './settings/Section'

function message(err: unknown, fallback: string): string {
  if (err instanceof ApiError) return err.status === 0 ? 'Could not reach the node' : err.message
  return fallback
}

const LINK =
  'inline-flex items-center gap-2 rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold text-sky-800 shadow-sm transition hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500'

/** A running evaluation: eval's phase, a bar through its idle and load phases, its counts so far, and Cancel. */
function Running({ run, onCancelled }: { run: EvaluationRun; onCancelled: () => void }) {
  const [cancelling, setCancelling] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const percent = progressPercent(run)

  const cancel = async () => {
    setCancelling(true)
    setProblem(null)
    try {
      await cancelEvaluation(run.id)
      onCancelled()
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return
      setProblem(message(err, 'Cancelling failed'))
    } finally {
      setCancelling(false)
    }
  }

  return (
    <div data-testid="evaluation-running" className="space-y-3">
      <p data-testid="evaluation-phase" data-phase={run.phase} className="text-sm font-medium text-slate-900">
        {describeRun(run)}
      </p>
      <div
        role="progressbar"
        aria-label="Evaluation progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-2.5 w-full overflow-hidden rounded-full bg-slate-100"
      >
        <div className="h-full rounded-full bg-sky-600 transition-[width] duration-700" style={{ width: `${percent}%` }} />
      </div>
      <p className="text-xs text-slate-600">
        {run.total_seconds > 0
          ? `${Math.round(run.elapsed_seconds)} of ${Math.round(run.total_seconds)} s`
          : `${run.duration_seconds} s of load after a short idle phase`}
        {run.status && <span data-testid="evaluation-status"> · {run.status}</span>}
      </p>
      <button type="button" data-testid="evaluation-cancel" onClick={() => void cancel()} disabled={cancelling} className={SECONDARY_BUTTON}>
        {cancelling && <Spinner className="h-4 w-4" />}
        Cancel
      </button>
      {problem && (
        <p role="alert" className="text-sm text-red-700">
          {problem}
        </p>
      )}
    </div>
  )
}

/** An ended run: how it ended, its report in a sandboxed frame (no script, no access to this page), and its numbers to download. */
function Ended({ run }: { run: EvaluationRun }) {
  const ok = run.state === 'completed'
  return (
    <div className="space-y-4">
      <p
        data-testid="evaluation-state"
        data-state={run.state}
        role="status"
        className={`rounded-lg border px-3 py-2 text-sm ${ok ? 'border-emerald-200 bg-emerald-50 text-emerald-900' : 'border-amber-200 bg-amber-50 text-amber-900'}`}
      >
        {describeRun(run)}
        {run.ended_at && <span className="text-xs"> · ended {formatTimestamp(run.ended_at)}</span>}
      </p>
      {run.has_report && (
        <>
          <div className="flex flex-wrap gap-3">
            <a href={resultsUrl(run.id)} download data-testid="evaluation-results" className={LINK}>
              Download results.json
            </a>
            <a href={reportUrl(run.id)} target="_blank" rel="noopener noreferrer" data-testid="evaluation-report-link" className={LINK}>
              Open the report in a new tab
            </a>
          </div>
          <iframe
            key={run.id}
            title="Evaluation report"
            src={reportUrl(run.id)}
            sandbox=""
            data-testid="evaluation-report"
            className="h-[75vh] w-full rounded-lg border border-slate-200 bg-white"
          />
        </>
      )}
    </div>
  )
}

/**
 * Evaluate: a short run of `meshmind eval` through this node (latency of files, downloads and chats, availability, bandwidth,
 * CPU and memory), with its progress and then its report, the same report.html as on the command line.
 */
export default function Evaluate() {
  const [duration, setDuration] = useState('30')
  const [starting, setStarting] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const [fast, setFast] = useState(false)
  const { data: runs, error, refresh } = usePoll(getEvaluations, fast ? 1000 : 10000, 'Evaluation list request failed')
  const run = currentRun(runs)
  const running = run?.state === 'running'
  // Poll each second while a run goes on (and right after starting one), every 10 s otherwise.
  useEffect(() => {
    if (runs) setFast(running)
  }, [runs, running])

  const start = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    if (starting) return
    const parsed = parseDuration(duration)
    if ('error' in parsed) {
      setProblem(parsed.error)
      return
    }
    setStarting(true)
    setProblem(null)
    try {
      await startEvaluation(parsed.seconds)
      setFast(true)
      refresh()
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return
      setProblem(message(err, 'Starting the evaluation failed'))
    } finally {
      setStarting(false)
    }
  }

  return (
    <Page title="Evaluate" subtitle="Measure the mesh through this node and get a report you can read and cite.">
      {error && <RetryingBanner message={error} testId="evaluate-error" />}
      <div className="space-y-6">
        <Section
          id="evaluate-start"
          title="Run an evaluation"
          testId="evaluate-start"
          description={
            <>
              After a short idle phase, this node lists files, downloads files through the mesh and streams chats for as long as you
              choose, while every node&apos;s own counters are read each second: latency (p50/p95/p99), availability, bandwidth, CPU
              and memory. The chats run on the mesh&apos;s LLM hosts, so they are busier meanwhile.
            </>
          }
        >
          <form onSubmit={(e) => void start(e)} noValidate className="flex flex-wrap items-end gap-3">
            <div className="w-48">
              <label htmlFor="evaluate-duration" className="block text-sm font-medium text-slate-700">
                Load phase (seconds)
              </label>
              <input
                id="evaluate-duration"
                data-testid="evaluate-duration"
                inputMode="numeric"
                value={duration}
                onChange={(e) => {
                  setDuration(e.target.value)
                  setProblem(null)
                }}
                aria-invalid={problem != null}
                aria-describedby={problem ? 'evaluate-problem' : 'evaluate-duration-hint'}
                className={INPUT}
              />
            </div>
            <button
              type="submit"
              data-testid="evaluate-run"
              disabled={starting || running}
              aria-busy={starting}
              className={PRIMARY_BUTTON}
            >
              {starting && <Spinner className="h-4 w-4" />}
              Start evaluation
            </button>
            <p id="evaluate-duration-hint" className="w-full text-xs text-slate-600">
              {MIN_SECONDS} to {MAX_SECONDS} s. One evaluation at a time per node.
            </p>
            {problem && (
              <p id="evaluate-problem" role="alert" data-testid="evaluate-problem" className="w-full text-sm text-red-700">
                {problem}
              </p>
            )}
          </form>
        </Section>

        {run && (
          <Section
            id="evaluate-run-title"
            title={running ? 'Evaluation running' : 'Last evaluation'}
            testId="evaluate-result"
            description={`${run.duration_seconds} s of load, started ${formatTimestamp(run.started_at) ?? ''}`}
          >
            {running ? <Running run={run} onCancelled={refresh} /> : <Ended run={run} />}
          </Section>
        )}
        {runs && !run && (
          <p data-testid="evaluate-none" className="text-sm text-slate-600">
            No evaluation has run on this node since it started.
          </p>
        )}
      </div>
    </Page>
  )
}
