import { useRef, useState, type FormEvent } from 'react'
import { ApiError, isAbortError } from '../../api/http'
import { hitsByNode, searchMesh } from '../../api/search'
import type { SearchResult } from '../../api/types'
import { SearchIcon } from '../../components/Icons'
import { Snippet } from '../../components/Snippet'
import { Spinner } from '../../components/Spinner'

const HITS = 20

/**
 * Search inside every node's shared files (GET /api/search), results grouped by node. Test ids:
 * `mesh-search-input`, `mesh-search-submit`, `mesh-search-results`, `mesh-search-group` (one per
 * node, `data-node` its name), `mesh-search-hit` (its file link `mesh-search-file`, its snippet
 * `mesh-search-snippet`), `mesh-search-empty`, `mesh-search-missing`, `mesh-search-error`.
 */
export function MeshSearch() {
  const [query, setQuery] = useState('')
  const [result, setResult] = useState<SearchResult | null>(null)
  const [searched, setSearched] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const pending = useRef<AbortController | null>(null)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const q = query.trim()
    if (!q) return
    pending.current?.abort()
    const ctrl = new AbortController()
    pending.current = ctrl
    setBusy(true)
    setError(null)
    try {
      setResult(await searchMesh(q, HITS, ctrl.signal))
      setSearched(q)
    } catch (err) {
      if (isAbortError(err)) return
      if (err instanceof ApiError && err.status === 401) return // handled globally
      setResult(null)
      setError(err instanceof ApiError && err.status !== 0 ? err.message : 'Could not reach the node')
    } finally {
      if (pending.current === ctrl) {
        pending.current = null
        setBusy(false)
      }
    }
  }

  const groups = result ? hitsByNode(result.hits) : []
  return (
    <section aria-labelledby="mesh-search-title" className="mb-6 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="mesh-search-title" className="text-sm font-semibold text-slate-900">
        Search inside the mesh’s files
      </h2>
      <p className="mt-0.5 text-xs text-slate-600">Every node searches the files it shares; only the matching lines leave it.</p>
      <form onSubmit={submit} role="search" className="mt-3 flex gap-2">
        <label htmlFor="mesh-search-input" className="sr-only">
          Words to find in shared files
        </label>
        <input
          id="mesh-search-input"
          data-testid="mesh-search-input"
          type="search"
          maxLength={500}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="What did the Q3 report say about churn?"
          className="min-w-0 flex-1 rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-sky-500 focus:ring-2 focus:ring-sky-500/30 focus:outline-none"
        />
        <button
          type="submit"
          data-testid="mesh-search-submit"
          disabled={busy || !query.trim()}
          className="flex shrink-0 items-center gap-2 rounded-lg bg-sky-700 px-4 text-sm font-semibold text-white shadow-sm transition hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:cursor-not-allowed disabled:bg-slate-300"
        >
          {busy ? <Spinner className="h-4 w-4" /> : <SearchIcon />}
          Search
        </button>
      </form>

      {error && (
        <p data-testid="mesh-search-error" role="alert" className="mt-3 text-sm text-red-700">
          {error}
        </p>
      )}

      {result && (
        <div data-testid="mesh-search-results" aria-live="polite" className="mt-4">
          {result.missing.length > 0 && (
            <p data-testid="mesh-search-missing" className="mb-2 text-xs text-amber-800">
              {result.missing.length} {result.missing.length === 1 ? 'node' : 'nodes'} did not answer in time; their files are not in
              these results.
            </p>
          )}
          {groups.length === 0 ? (
            <p data-testid="mesh-search-empty" className="text-sm text-slate-600">
              No shared file mentions “{searched}”.
            </p>
          ) : (
            <div className="space-y-4">
              {groups.map((group) => (
                <div key={group.nodeId} data-testid="mesh-search-group" data-node={group.node}>
                  <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">
                    {group.node} · {group.hits.length} {group.hits.length === 1 ? 'match' : 'matches'}
                  </h3>
                  <ul className="mt-1 divide-y divide-slate-100">
                    {group.hits.map((hit, i) => (
                      <li key={`${hit.file}-${i}`} data-testid="mesh-search-hit" className="py-2">
                        <a
                          data-testid="mesh-search-file"
                          href={hit.download_url}
                          className="text-sm font-medium text-sky-800 underline-offset-2 hover:underline"
                        >
                          {hit.file}
                        </a>
                        <p className="mt-0.5 text-sm text-slate-700">
                          <Snippet testId="mesh-search-snippet" text={hit.snippet} />
                        </p>
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
            </div>
          )}
        </div>
      )}
    </section>
  )
}
