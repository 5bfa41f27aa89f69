import { useId, useState, type FormEvent } from 'react'
import { ApiError } from '../../api/http'
import { joinMesh } from '../../api/mesh'
import type { JoinedMesh } from '../../api/types'
import { AlertIcon } from '../../components/Icons'
import { Modal } from '../../components/Modal'
import { Spinner } from '../../components/Spinner'
import { cleanCode } from './invite'

function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.status === 0 ? 'Could not reach this node' : err.message
  return 'Joining failed'
}

/**
 * "Join a mesh": this node redeems an invite code made on a node of another mesh (POST /api/mesh/join), takes that mesh's
 * secret as its only one and links to the inviting node, without a restart. A node that has peers is warned that it leaves them.
 */
export function JoinMeshDialog({ peerCount, onClose, onJoined }: {
  peerCount: number
  onClose: () => void
  onJoined: (joined: JoinedMesh) => void
}) {
  const titleId = useId()
  const inputId = useId()
  const [code, setCode] = useState('')
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [joined, setJoined] = useState<JoinedMesh | null>(null)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (pending || !cleanCode(code)) return
    setPending(true)
    setError(null)
    try {
      const result = await joinMesh(cleanCode(code))
      setJoined(result)
      onJoined(result)
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return // handled globally
      setError(errorText(err))
    } finally {
      setPending(false)
    }
  }

  return (
    <Modal labelledBy={titleId} pending={pending} onDismiss={onClose} testId="join-dialog">
      <h2 id={titleId} className="text-lg font-semibold text-slate-900">
        Join a mesh
      </h2>
      {joined ? (
        <>
          <p data-testid="join-done" className="mt-3 text-sm text-slate-700">
            Joined the mesh of <strong className="font-semibold text-slate-900">{joined.name}</strong>. This node now uses that mesh's
            secret and is linking to it at <code className="font-mono text-xs">{joined.address}</code>; no restart is needed.
          </p>
          <div className="mt-6 flex justify-end">
            <button
              type="button"
              autoFocus
              onClick={onClose}
              className="rounded-lg bg-sky-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500"
            >
              Done
            </button>
          </div>
        </>
      ) : (
        <form onSubmit={(e) => void submit(e)}>
          <p className="mt-1 text-sm text-slate-600">
            Paste the invite code made with <strong className="font-semibold">Invite a device</strong> on a node of that mesh (or{' '}
            <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-xs">meshmind invite</code>).
          </p>
          {peerCount > 0 && (
            <div
              data-testid="join-warning"
              className="mt-4 flex gap-2 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
            >
              <AlertIcon className="mt-0.5 shrink-0 text-amber-600" />
              <span>
                This node is in a mesh ({peerCount} {peerCount === 1 ? 'peer' : 'peers'}). Joining replaces its secret: it leaves that
                mesh and its links to it close.
              </span>
            </div>
          )}
          <label htmlFor={inputId} className="mt-4 block text-sm font-medium text-slate-700">
            Invite code
          </label>
          <textarea
            id={inputId}
            data-testid="join-code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            rows={3}
            spellCheck={false}
            autoComplete="off"
            autoFocus
            className="mt-1 w-full resize-none rounded-lg border border-slate-300 px-3 py-2 font-mono text-sm uppercase shadow-sm focus:border-sky-500 focus:ring-2 focus:ring-sky-200 focus:outline-none"
          />
          {error && (
            <div role="alert" data-testid="join-error" className="mt-3 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700">
              {error}
            </div>
          )}
          <div className="mt-6 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <button
              type="button"
              onClick={onClose}
              disabled={pending}
              className="rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-700 shadow-sm hover:bg-slate-50 disabled:opacity-60"
            >
              Cancel
            </button>
            <button
              type="submit"
              data-testid="join-submit"
              disabled={pending || !cleanCode(code)}
              className="flex items-center justify-center gap-2 rounded-lg bg-sky-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:cursor-not-allowed disabled:bg-slate-300 disabled:shadow-none"
            >
              {pending && <Spinner className="h-4 w-4" />}
              Join
            </button>
          </div>
        </form>
      )}
    </Modal>
  )
}
