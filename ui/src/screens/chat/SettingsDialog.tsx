import { useId, useState } from 'react'
import { Modal } from '../../components/Modal'
import type { ChatSettings } from './useChatSession'

const FIELD =
  'mt-1 w-full rounded-lg border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-900 focus:border-sky-500 focus:ring-2 focus:ring-sky-500/30 focus:outline-none'

/** A number field's value, or null when empty; undefined when it is not a number. */
function parse(text: string): number | null | undefined {
  if (!text.trim()) return null
  const n = Number(text)
  return Number.isFinite(n) ? n : undefined
}

/**
 * This conversation's generation settings: system prompt, temperature, max tokens (empty: the
 * host's default). Kept on the node with the conversation. Test ids: `chat-settings-dialog`,
 * `chat-settings-prompt`, `chat-settings-temperature`, `chat-settings-max-tokens`,
 * `chat-settings-save`.
 */
export function SettingsDialog({
  initial,
  onSave,
  onClose,
}: {
  initial: ChatSettings
  onSave: (settings: ChatSettings) => Promise<void>
  onClose: () => void
}) {
  const id = useId()
  const [prompt, setPrompt] = useState(initial.system_prompt ?? '')
  const [temperature, setTemperature] = useState(initial.temperature == null ? '' : String(initial.temperature))
  const [maxTokens, setMaxTokens] = useState(initial.max_tokens == null ? '' : String(initial.max_tokens))
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const save = async () => {
    const t = parse(temperature)
    const m = parse(maxTokens)
    if (t === undefined || (t != null && (t < 0 || t > 2))) return setError('Temperature is a number from 0 to 2, or empty.')
    if (m === undefined || (m != null && (!Number.isInteger(m) || m < 1 || m > 32768)))
      return setError('Max tokens is a whole number from 1 to 32768, or empty.')
    if (prompt.length > 8000) return setError('The system prompt is longer than 8000 characters.')
    setPending(true)
    try {
      await onSave({ system_prompt: prompt.trim() || null, temperature: t, max_tokens: m })
      onClose()
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Could not save the settings')
      setPending(false)
    }
  }

  return (
    <Modal labelledBy={`${id}-title`} pending={pending} onDismiss={onClose} testId="chat-settings-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void save()
        }}
      >
        <h2 id={`${id}-title`} className="text-base font-semibold text-slate-900">
          Conversation settings
        </h2>
        <p className="mt-1 text-sm text-slate-600">Used for every answer in this conversation. Empty: the default.</p>
        <label className="mt-4 block text-sm font-medium text-slate-700" htmlFor={`${id}-prompt`}>
          System prompt
        </label>
        <textarea
          id={`${id}-prompt`}
          data-testid="chat-settings-prompt"
          rows={4}
          maxLength={8000}
          value={prompt}
          onChange={(e) => setPrompt(e.target.value)}
          placeholder="You are MeshMind, a helpful assistant…"
          className={FIELD}
        />
        <div className="mt-3 grid grid-cols-2 gap-3">
          <div>
            <label className="block text-sm font-medium text-slate-700" htmlFor={`${id}-temperature`}>
              Temperature (0–2)
            </label>
            <input
              id={`${id}-temperature`}
              data-testid="chat-settings-temperature"
              inputMode="decimal"
              value={temperature}
              onChange={(e) => setTemperature(e.target.value)}
              className={FIELD}
            />
          </div>
          <div>
            <label className="block text-sm font-medium text-slate-700" htmlFor={`${id}-max`}>
              Max tokens
            </label>
            <input
              id={`${id}-max`}
              data-testid="chat-settings-max-tokens"
              inputMode="numeric"
              value={maxTokens}
              onChange={(e) => setMaxTokens(e.target.value)}
              className={FIELD}
            />
          </div>
        </div>
        {error && (
          <p role="alert" className="mt-3 text-sm text-red-700">
            {error}
          </p>
        )}
        <div className="mt-5 flex justify-end gap-2">
          <button
            type="button"
            onClick={onClose}
            disabled={pending}
            className="rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-sky-500"
          >
            Cancel
          </button>
          <button
            type="submit"
            data-testid="chat-settings-save"
            disabled={pending}
            className="rounded-lg bg-sky-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:opacity-50"
          >
            Save
          </button>
        </div>
      </form>
    </Modal>
  )
}
