import { useState, type FormEvent } from 'react'
import { ApiError } from '../../api/http'
import { changePassword } from '../../api/settings'
import { useAuth } from '../../auth'
import { Spinner } from '../../components/Spinner'
import { INPUT, PRIMARY_BUTTON, Section } from './Section'

const MIN_LENGTH = 8

/** Changes the login password; every session ends (this one too), so the person signs in again with the new one. */
export function PasswordSection() {
  const { logout } = useAuth()
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [again, setAgain] = useState('')
  const [pending, setPending] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    if (pending) return
    if (next.length < MIN_LENGTH) return setProblem(`The new password needs at least ${MIN_LENGTH} characters`)
    if (next !== again) return setProblem('The two new passwords differ')
    setPending(true)
    setProblem(null)
    try {
      await changePassword(current, next)
      await logout('Password changed. Every session has ended: sign in with the new password.')
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return
      setProblem(
        err instanceof ApiError
          ? err.status === 0
            ? 'Could not reach the node'
            : err.status === 429 && err.retryAfter != null
              ? `Too many wrong passwords; try again in ${err.retryAfter} s`
              : err.message.charAt(0).toUpperCase() + err.message.slice(1)
          : 'Changing the password failed',
      )
      setPending(false)
    }
  }

  return (
    <Section
      id="settings-password"
      title="Password"
      description="Changing it signs out every browser, this one too."
      testId="settings-password"
    >
      <form onSubmit={(e) => void submit(e)} noValidate className="grid max-w-md gap-3">
        <div>
          <label htmlFor="password-current" className="block text-sm font-medium text-slate-700">
            Current password
          </label>
          <input id="password-current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} className={INPUT} />
        </div>
        <div>
          <label htmlFor="password-new" className="block text-sm font-medium text-slate-700">
            New password
          </label>
          <input id="password-new" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} aria-describedby="password-new-hint" className={INPUT} />
          <p id="password-new-hint" className="mt-1 text-xs text-slate-500">
            At least {MIN_LENGTH} characters.
          </p>
        </div>
        <div>
          <label htmlFor="password-again" className="block text-sm font-medium text-slate-700">
            New password again
          </label>
          <input id="password-again" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} className={INPUT} />
        </div>
        {problem && (
          <p role="alert" data-testid="password-problem" className="text-sm text-red-700">
            {problem}
          </p>
        )}
        <div>
          <button type="submit" data-testid="password-change" disabled={pending} aria-busy={pending} className={PRIMARY_BUTTON}>
            {pending && <Spinner className="h-4 w-4" />}
            Change password
          </button>
        </div>
      </form>
    </Section>
  )
}
