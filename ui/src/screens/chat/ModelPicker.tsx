import { useId } from 'react'
import type { ModelInfo } from '../../api/types'

/** A model, and optionally the one node that should answer with it. */
export interface ModelChoice {
  model: string
  host?: string
}

const SEPARATOR = '\t'

export function choiceValue(choice: ModelChoice): string {
  return choice.host ? `${choice.model}${SEPARATOR}${choice.host}` : choice.model
}

/** The catalog's reading of a stored choice: the same model and host if still served, else the model on any host, else null. */
export function resolveChoice(models: ModelInfo[] | null, value: string | null): ModelChoice | null {
  if (!models || value == null) return null
  const [model, host] = value.split(SEPARATOR)
  const found = models.find((m) => m.name === model)
  if (!found) return null
  return host && found.nodes.some((h) => h.node_id === host) ? { model, host } : { model }
}

/**
 * Model (and host) for the next question, grouped by model: "any host" lets the mesh choose, a
 * host pins the answer to that node; each host says whether the model is loaded there.
 * Test id: `chat-model-picker` (a <select>; an option's value is the model name for any host,
 * or `model<TAB>node_id` for one host).
 */
export function ModelPicker({
  models,
  value,
  onChange,
  failed,
}: {
  models: ModelInfo[] | null
  value: ModelChoice | undefined
  onChange: (choice: ModelChoice) => void
  failed: boolean
}) {
  const id = useId()
  return (
    <div className="flex min-w-0 items-center gap-2">
      <label htmlFor={id} className="text-xs font-medium text-slate-500">
        Model
      </label>
      <select
        id={id}
        data-testid="chat-model-picker"
        value={value ? choiceValue(value) : ''}
        disabled={!models || models.length === 0}
        onChange={(e) => {
          const [model, host] = e.target.value.split(SEPARATOR)
          onChange(host ? { model, host } : { model })
        }}
        className="max-w-64 min-w-0 truncate rounded-lg border border-slate-300 bg-white py-1.5 pr-8 pl-2.5 font-mono text-xs text-slate-800 shadow-sm focus:border-sky-500 focus:ring-2 focus:ring-sky-500/30 focus:outline-none disabled:bg-slate-50 disabled:text-slate-400"
      >
        {models == null ? (
          <option value="">{failed ? 'Models unavailable' : 'Loading models…'}</option>
        ) : models.length === 0 ? (
          <option value="">No models</option>
        ) : (
          models.map((model) => {
            const hosts = model.nodes
            return (
              <optgroup key={model.name} label={model.name}>
                <option value={model.name}>
                  {model.name} · {hosts.length > 1 ? `any of ${hosts.length} hosts` : 'any host'}
                </option>
                {hosts.map((h) => (
                  <option key={h.node_id} value={choiceValue({ model: model.name, host: h.node_id })}>
                    {model.name} on {h.local ? 'this node' : h.name || h.node_id.slice(0, 12)} · {h.loaded ? 'loaded' : 'not loaded'}
                  </option>
                ))}
              </optgroup>
            )
          })
        )}
      </select>
    </div>
  )
}
