import { useState, type FormEvent } from 'react'
import { ApiError } from '../../api/http'
import { createApiKey, getApiKeys, revokeApiKey } from '../../api/settings'
import type { ApiKey, CreatedApiKey } from '../../api/types'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { CopyButton } from '../../components/CopyButton'
import { Spinner } from '../../components/Spinner'
import { formatAgo, formatTimestamp } from '../../lib/format'
import { usePoll } from '../../usePoll'
import { INPUT, PRIMARY_BUTTON, SECONDARY_BUTTON, Section } from './Section'

function message(err: unknown, fallback: string): string {
  if (err instanceof ApiError) return err.status === 0 ? 'Could not reach the node' : err.message
  return fallback
}

/** The key just made, shown this once with a Copy button; "Done" hides it for good. */
function NewKey({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  return (
    <div data-testid="api-key-created" role="status" className="mb-4 rounded-lg border border-amber-200 bg-amber-50 p-3">
      <p className="text-sm font-medium text-amber-900">
        Copy the key for “{created.name}” now: it is shown only this once.
      </p>
      <div className="mt-2 flex items-center gap-2 rounded-lg bg-slate-900 py-1 pr-1 pl-3">
        <code data-testid="api-key-secret" className="min-w-0 flex-1 font-mono text-sm break-all text-slate-100">
          {created.key}
        </code>
        <CopyButton text={created.key} testId="api-key-copy" />
      </div>
      <p className="mt-2 text-xs text-amber-800">
        Programs send it as <code className="font-mono">Authorization: Bearer {created.prefix}…</code>
      </p>
      <button type="button" data-testid="api-key-done" onClick={onDone} className={`${SECONDARY_BUTTON} mt-3`}>
        Done, I copied it
      </button>
    </div>
  )
}

/** API keys for programs (OpenAI and Ollama clients, scripts): create one (shown once), see when each was last used, revoke. */
export function ApiKeysSection() {
  const { data: keys, error, refresh, mutate } = usePoll(getApiKeys, 15000, 'API key list request failed')
  const [name, setName] = useState('')
  const [creating, setCreating] = useState(false)
  const [created, setCreated] = useState<CreatedApiKey | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [target, setTarget] = useState<ApiKey | null>(null)
  const [revoking, setRevoking] = useState(false)
  const [revokeError, setRevokeError] = useState<string | null>(null)

  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    if (creating) return
    if (name.trim() === '') {
      setProblem('Give the key a name, such as the program that will use it')
      return
    }
    setCreating(true)
    setProblem(null)
    try {
      const key = await createApiKey(name.trim())
      setCreated(key)
      setName('')
      refresh()
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return
      setProblem(message(err, 'Creating the key failed'))
    } finally {
      setCreating(false)
    }
  }

  const revoke = async () => {
    if (!target || revoking) return
    setRevoking(true)
    setRevokeError(null)
    try {
      await revokeApiKey(target.id)
      mutate((list) => list.filter((k) => k.id !== target.id))
      setTarget(null)
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return
      setRevokeError(message(err, 'Revoking the key failed'))
    } finally {
      setRevoking(false)
      refresh()
    }
  }

  return (
    <Section
      id="settings-keys"
      title="API keys"
      description="For programs: OpenAI and Ollama clients, scripts, Prometheus. A key can do what you can, so give each program its own and revoke it when done."
      testId="settings-keys"
    >
      {created && <NewKey created={created} onDone={() => setCreated(null)} />}

      <form onSubmit={(e) => void create(e)} noValidate className="flex flex-wrap items-end gap-3">
        <div className="min-w-56 flex-1">
          <label htmlFor="api-key-name" className="block text-sm font-medium text-slate-700">
            Name of a new key
          </label>
          <input
            id="api-key-name"
            data-testid="api-key-name"
            value={name}
            maxLength={100}
            onChange={(e) => {
              setName(e.target.value)
              setProblem(null)
            }}
            placeholder="open-webui"
            aria-invalid={problem != null}
            aria-describedby={problem ? 'api-key-problem' : undefined}
            className={INPUT}
          />
        </div>
        <button type="submit" data-testid="api-key-create" disabled={creating} aria-busy={creating} className={PRIMARY_BUTTON}>
          {creating && <Spinner className="h-4 w-4" />}
          Create key
        </button>
        {problem && (
          <p id="api-key-problem" role="alert" data-testid="api-key-problem" className="w-full text-sm text-red-700">
            {problem}
          </p>
        )}
      </form>

      {error && (
        <p role="alert" className="mt-3 text-sm text-amber-800">
          {error} — retrying…
        </p>
      )}
      {keys && keys.length === 0 && (
        <p data-testid="api-keys-empty" className="mt-4 text-sm text-slate-500">
          No API keys yet.
        </p>
      )}
      {keys && keys.length > 0 && (
        <ul className="mt-4 divide-y divide-slate-100 rounded-lg border border-slate-200" aria-label="API keys">
          {keys.map((key) => (
            <li key={key.id} data-testid="api-key-row" data-id={key.id} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-3 py-2.5">
              <span className="font-medium text-slate-900">{key.name}</span>
              <code className="font-mono text-xs text-slate-500">{key.prefix}…</code>
              <span className="text-xs text-slate-500" title={formatTimestamp(key.created_at)}>
                created {formatAgo(key.created_at)}
              </span>
              <span className="text-xs text-slate-500" title={formatTimestamp(key.last_used_at)}>
                {key.last_used_at ? `last used ${formatAgo(key.last_used_at)}` : 'never used'}
              </span>
              <button
                type="button"
                data-testid="api-key-revoke"
                aria-label={`Revoke API key ${key.name}`}
                onClick={() => {
                  setRevokeError(null)
                  setTarget(key)
                }}
                className="ml-auto rounded-lg border border-red-200 bg-white px-3 py-1 text-xs font-semibold text-red-700 shadow-sm transition hover:border-red-300 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-500"
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}

      {target && (
        <ConfirmDialog
          title={`Revoke “${target.name}”?`}
          confirmLabel="Revoke key"
          confirmTestId="confirm-revoke-key"
          pending={revoking}
          error={revokeError}
          onConfirm={() => void revoke()}
          onCancel={() => setTarget(null)}
        >
          Programs using this key are refused from now on. This cannot be undone; make a new key if one is needed again.
        </ConfirmDialog>
      )}
    </Section>
  )
}
