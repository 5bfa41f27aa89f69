import { useEffect, useState, type FormEvent } from 'react'
import { m } from 'framer-motion'
import { Navigate, useLocation, type Location } from 'react-router-dom'
import { ApiError } from '../api/http'
import { useAuth } from '../auth'
import { LogoIcon } from '../components/Icons'
import { FullPageSpinner, Spinner } from '../components/Spinner'

function loginErrorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 429) {
      return err.retryAfter != null
        ? `Too many attempts, try again in ${err.retryAfter} s`
        : 'Too many attempts, try again later'
    }
    if (err.status === 401) return err.message && err.message !== 'Unauthorized' ? err.message : 'Invalid username or password'
    if (err.status === 0) return 'Could not reach the node'
    return err.message
  }
  return 'Sign-in failed'
}

export default function LoginScreen() {
  const { auth, login } = useAuth()
  const location = useLocation()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [pending, setPending] = useState(false)

  useEffect(() => {
    document.title = 'Sign in · MeshMind'
  }, [])

  const from = (location.state as { from?: Location } | null)?.from
  // Set by a screen that signed the person out on purpose, e.g. after a password change.
  const notice = auth.status === 'anonymous' ? auth.notice : undefined
  const target = from && from.pathname !== '/login' ? `${from.pathname}${from.search}${from.hash}` : '/'

  if (auth.status === 'loading') return <FullPageSpinner />
  // Already signed in (or just signed in): go where the user wanted to be.
  if (auth.status === 'authenticated') return <Navigate to={target} replace />

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    if (pending) return
    setPending(true)
    setError(null)
    try {
      await login(username, password)
    } catch (err) {
      setError(loginErrorMessage(err))
      setPending(false)
    }
  }

  return (
    <div className="flex min-h-screen items-center justify-center bg-gradient-to-br from-slate-100 via-slate-50 to-sky-50 px-4 py-12">
      <m.div
        initial={{ opacity: 0, y: 12 }}
        animate={{ opacity: 1, y: 0 }}
        transition={{ duration: 0.25, ease: 'easeOut' }}
        className="w-full max-w-sm"
      >
        <div className="rounded-2xl border border-slate-200 bg-white p-8 shadow-xl shadow-slate-200/60">
          <div className="mb-6 flex flex-col items-center text-center">
            <div className="mb-3 flex h-12 w-12 items-center justify-center rounded-xl bg-slate-900 text-2xl text-sky-300 shadow-md">
              <LogoIcon />
            </div>
            <h1 className="text-2xl font-semibold tracking-tight text-slate-900">MeshMind</h1>
            <p className="mt-1 text-sm text-slate-500">Sign in to this node</p>
          </div>

          {notice && !error && (
            <p role="status" data-testid="login-notice" className="mb-4 rounded-lg border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-800">
              {notice}
            </p>
          )}

          <form onSubmit={onSubmit} className="space-y-4" noValidate>
            <div>
              <label htmlFor="username" className="mb-1 block text-sm font-medium text-slate-700">
                Username
              </label>
              <input
                id="username"
                name="username"
                type="text"
                autoComplete="username"
                autoCapitalize="none"
                spellCheck={false}
                autoFocus
                value={username}
                onChange={(e) => setUsername(e.target.value)}
                className="block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-slate-900 shadow-sm outline-none transition focus:border-sky-500 focus:ring-2 focus:ring-sky-500/30"
              />
            </div>
            <div>
              <label htmlFor="password" className="mb-1 block text-sm font-medium text-slate-700">
                Password
              </label>
              <input
                id="password"
                name="password"
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                className="block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-slate-900 shadow-sm outline-none transition focus:border-sky-500 focus:ring-2 focus:ring-sky-500/30"
              />
            </div>

            {error && (
              <div
                role="alert"
                className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700"
              >
                {error}
              </div>
            )}

            <button
              type="submit"
              disabled={pending}
              aria-busy={pending}
              className="relative flex w-full items-center justify-center gap-2 rounded-lg bg-slate-900 px-4 py-2.5 text-sm font-semibold text-white shadow-sm transition hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:cursor-wait disabled:opacity-70"
            >
              {pending && <Spinner className="h-4 w-4" />}
              <span>Sign in</span>
            </button>
          </form>
        </div>
        <p className="mt-4 text-center text-xs text-slate-400">Peer-to-peer LLM node on your local network</p>
      </m.div>
    </div>
  )
}
