import { useState, type FormEvent } from 'react'
import { UploadProgressBar } from '../../components/UploadProgressBar'
import { Spinner } from '../../components/Spinner'
import { INPUT, PRIMARY_BUTTON } from '../settings/Section'
import type { Pull } from './usePull'

/** A node a model can be pulled onto. */
export interface PullTarget {
  node_id: string
  label: string
}

/**
 * Pull a model onto a chosen node, with its progress. Test ids: `pull-model` (the name), `pull-node` (a <select> of node ids),
 * `pull-submit`, `pull-progress` (a progressbar, `data-percent`), `pull-status` (Ollama's last status), `pull-done`,
 * `pull-error`.
 */
export function PullForm({
  targets,
  pull,
  running,
  onPull,
}: {
  targets: PullTarget[]
  pull: Pull | null
  running: boolean
  onPull: (model: string, nodeId: string, nodeName: string) => void
}) {
  const [model, setModel] = useState('')
  const [nodeId, setNodeId] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const chosen = targets.find((t) => t.node_id === nodeId) ?? targets[0]

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    const name = model.trim()
    if (!name || /\s/.test(name)) {
      setProblem('Name a model without spaces, e.g. llama3.2 or llama3.2:1b')
      return
    }
    if (!chosen) return
    setProblem(null)
    onPull(name, chosen.node_id, chosen.label)
  }

  return (
    <form onSubmit={submit} noValidate className="grid gap-4 sm:grid-cols-[minmax(0,2fr)_minmax(0,2fr)_auto] sm:items-end">
      <div>
        <label htmlFor="pull-model" className="block text-sm font-medium text-slate-700">
          Model
        </label>
        <input
          id="pull-model"
          data-testid="pull-model"
          value={model}
          maxLength={200}
          placeholder="llama3.2:1b"
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setModel(e.target.value)}
          aria-invalid={problem != null}
          aria-describedby={problem ? 'pull-problem' : undefined}
          className={INPUT}
        />
      </div>
      <div>
        <label htmlFor="pull-node" className="block text-sm font-medium text-slate-700">
          Onto node
        </label>
        <select
          id="pull-node"
          data-testid="pull-node"
          value={chosen?.node_id ?? ''}
          onChange={(e) => setNodeId(e.target.value)}
          disabled={targets.length === 0}
          className={INPUT}
        >
          {targets.map((t) => (
            <option key={t.node_id} value={t.node_id}>
              {t.label}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" data-testid="pull-submit" disabled={running || !chosen} aria-busy={running} className={`${PRIMARY_BUTTON} justify-center`}>
        {running && <Spinner className="h-4 w-4" />}
        Pull
      </button>
      {problem && (
        <p id="pull-problem" role="alert" className="text-sm text-red-700 sm:col-span-3">
          {problem}
        </p>
      )}
      {pull && (
        <div className="sm:col-span-3" aria-live="polite">
          <p className="flex flex-wrap justify-between gap-2 text-sm text-slate-700">
            <span>
              <span className="font-mono">{pull.model}</span> onto {pull.nodeName}
            </span>
            <span data-testid="pull-status" className="text-slate-500">
              {pull.error ? 'failed' : pull.done ? 'done' : `${pull.status} · ${pull.percent}%`}
            </span>
          </p>
          <UploadProgressBar
            name={pull.model}
            percent={pull.percent}
            processing={!pull.done && pull.percent >= 99}
            label={`Pulling ${pull.model} onto ${pull.nodeName}`}
            testId="pull-progress"
          />
          {pull.error && (
            <p role="alert" data-testid="pull-error" className="mt-2 text-sm text-red-700">
              {pull.error}
            </p>
          )}
          {pull.done && !pull.error && (
            <p role="status" data-testid="pull-done" className="mt-2 text-sm text-emerald-700">
              {pull.model} is on {pull.nodeName}.
            </p>
          )}
        </div>
      )}
    </form>
  )
}
