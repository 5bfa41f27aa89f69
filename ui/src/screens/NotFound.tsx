import { useEffect } from 'react'
import { Link } from 'react-router-dom'

/** Standalone (no sidebar) so the page has a single h1 and a single link to the Dashboard. */
export default function NotFound() {
  useEffect(() => {
    document.title = 'Not found · MeshMind'
  }, [])

  return (
    <div className="flex min-h-screen items-center justify-center bg-slate-50 px-4">
      <div className="w-full max-w-sm rounded-2xl border border-slate-200 bg-white p-8 text-center shadow-sm">
        <p className="text-5xl font-bold tracking-tight text-slate-200" aria-hidden="true">
          404
        </p>
        <h1 className="mt-2 text-2xl font-semibold text-slate-900">Not found</h1>
        <p className="mt-2 text-sm text-slate-500">There is no page at this address.</p>
        <Link
          to="/"
          data-testid="not-found-home"
          className="mt-6 inline-flex items-center justify-center rounded-lg bg-slate-900 px-4 py-2 text-sm font-semibold text-white transition hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500"
        >
          Back to Dashboard
        </Link>
      </div>
    </div>
  )
}
