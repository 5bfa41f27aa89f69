import { useEffect, useState, type FormEvent } from 'react'
import { ApiError } from '../../api/http'
import { getModels } from '../../api/models'
import { getSettings, saveSettings } from '../../api/settings'
import type { NodeSettings, SettingValue, SettingsUpdate } from '../../api/types'
import { Spinner } from '../../components/Spinner'
import { INPUT, PRIMARY_BUTTON, Section } from './Section'

const MODES = [
  { value: 'lan', label: 'LAN: broadcast on every network interface' },
  { value: 'loopback', label: 'Loopback: only nodes on this machine (tests and demos)' },
  { value: 'off', label: 'Off: only static peers and the peers they tell of' },
]

/** Under a field: whether what is saved is in use, waits for a restart, or is overridden by a flag. */
function SettingNote({ value, testId }: { value: SettingValue | undefined; testId: string }) {
  if (!value) return null
  if (value.set_elsewhere) {
    return (
      <p data-testid={testId} className="mt-1 text-xs text-amber-800">
        Set by {value.set_elsewhere} when the node started, which wins over what is saved here (now: “{value.current}”).
      </p>
    )
  }
  if (value.restart_needed) {
    return (
      <p data-testid={testId} className="mt-1 text-xs text-amber-800">
        Saved. Restart the node to use it (it uses “{value.current || 'the first model'}” until then).
      </p>
    )
  }
  return null
}

/** The settings the node reads at start: its name, the default model and discovery. Saved in settings.json in its data directory. */
export function NodeSection() {
  const [settings, setSettings] = useState<NodeSettings | null>(null)
  const [models, setModels] = useState<string[]>([])
  const [name, setName] = useState('')
  const [model, setModel] = useState('')
  const [mode, setMode] = useState('lan')
  const [saving, setSaving] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)

  useEffect(() => {
    const ctrl = new AbortController()
    getSettings(ctrl.signal)
      .then((s) => {
        setSettings(s)
        setName(s.name.saved ?? s.name.current)
        setModel(s.default_model.saved ?? s.default_model.current)
        setMode(s.discovery_mode.saved ?? s.discovery_mode.current)
      })
      .catch((err: unknown) => {
        if (err instanceof DOMException && err.name === 'AbortError') return
        if (err instanceof ApiError && err.status === 401) return
        setProblem(err instanceof ApiError && err.status !== 0 ? `Settings request failed: ${err.message}` : 'Could not reach the node')
      })
    getModels(ctrl.signal)
      .then((list) => setModels(list.map((m) => m.name)))
      .catch(() => setModels([]))
    return () => ctrl.abort()
  }, [])

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    if (!settings || saving) return
    const update: SettingsUpdate = { name: null, default_model: null, discovery_mode: null }
    if (name.trim() !== (settings.name.saved ?? settings.name.current)) update.name = name
    if (model.trim() !== (settings.default_model.saved ?? settings.default_model.current)) update.default_model = model
    if (mode !== (settings.discovery_mode.saved ?? settings.discovery_mode.current)) update.discovery_mode = mode
    setSaving(true)
    setProblem(null)
    setSaved(false)
    try {
      const result = await saveSettings(update)
      setSettings(result)
      setSaved(true)
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return
      setProblem(err instanceof ApiError && err.status !== 0 ? err.message : 'Could not reach the node')
    } finally {
      setSaving(false)
    }
  }

  return (
    <Section
      id="settings-node"
      title="This node"
      description={
        <>
          Read when the node starts, so a change waits for a restart. Saved in{' '}
          <code className="font-mono text-xs">{settings?.file ?? 'settings.json'}</code>; a command-line flag or an
          environment variable still wins.
        </>
      }
      testId="settings-node"
    >
      {settings == null && !problem ? (
        <p className="flex items-center gap-2 text-sm text-slate-500">
          <Spinner className="h-4 w-4" /> Loading…
        </p>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate className="grid max-w-xl gap-4">
          <div>
            <label htmlFor="setting-name" className="block text-sm font-medium text-slate-700">
              Name
            </label>
            <input id="setting-name" data-testid="setting-name" value={name} maxLength={64} onChange={(e) => setName(e.target.value)} aria-describedby="setting-name-hint" className={INPUT} />
            <p id="setting-name-hint" className="mt-1 text-xs text-slate-500">
              Shown to people and to peers.
            </p>
            <SettingNote value={settings?.name} testId="setting-name-note" />
          </div>
          <div>
            <label htmlFor="setting-model" className="block text-sm font-medium text-slate-700">
              Default model
            </label>
            <input
              id="setting-model"
              data-testid="setting-model"
              value={model}
              list="setting-model-options"
              maxLength={200}
              onChange={(e) => setModel(e.target.value)}
              placeholder="the first model a host offers"
              aria-describedby="setting-model-hint"
              className={INPUT}
            />
            <datalist id="setting-model-options">
              {models.map((m) => (
                <option key={m} value={m} />
              ))}
            </datalist>
            <p id="setting-model-hint" className="mt-1 text-xs text-slate-500">
              Used when a chat names no model. Empty: the first model a host offers.
            </p>
            <SettingNote value={settings?.default_model} testId="setting-model-note" />
          </div>
          <div>
            <label htmlFor="setting-discovery" className="block text-sm font-medium text-slate-700">
              Discovery
            </label>
            <select id="setting-discovery" data-testid="setting-discovery" value={mode} onChange={(e) => setMode(e.target.value)} className={INPUT}>
              {MODES.map((m) => (
                <option key={m.value} value={m.value}>
                  {m.label}
                </option>
              ))}
            </select>
            <SettingNote value={settings?.discovery_mode} testId="setting-discovery-note" />
          </div>
          {problem && (
            <p role="alert" data-testid="settings-problem" className="text-sm text-red-700">
              {problem}
            </p>
          )}
          <div className="flex items-center gap-3">
            <button type="submit" data-testid="settings-save" disabled={saving || settings == null} aria-busy={saving} className={PRIMARY_BUTTON}>
              {saving && <Spinner className="h-4 w-4" />}
              Save
            </button>
            {saved && (
              <span role="status" data-testid="settings-saved" className="text-sm text-slate-600">
                {settings?.restart_needed ? 'Saved. Restart the node to use the new settings.' : 'Saved.'}
              </span>
            )}
          </div>
        </form>
      )}
    </Section>
  )
}
