import { useState } from 'react'
import { ApiError } from '../../api/http'
import { rotateSecret } from '../../api/mesh'
import type { SecretRotation } from '../../api/types'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { Modal } from '../../components/Modal'
import { formatTimestamp } from '../../lib/format'

function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.status === 0 ? 'Could not reach the node' : err.message
  return 'Rotating the secret failed'
}

/**
 * "Rotate secret": a new mesh secret, sent over the links to every linked peer (POST /api/mesh/secret/rotate). The old one is
 * still accepted for the grace period; after it, nodes that did not get the new one are out.
 */
export function RotateSecretDialog({ linkedCount, onClose }: { linkedCount: number; onClose: () => void }) {
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [result, setResult] = useState<SecretRotation | null>(null)

  const confirm = async () => {
    if (pending) return
    setPending(true)
    setError(null)
    try {
      setResult(await rotateSecret())
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return // handled globally
      setError(errorText(err))
    } finally {
      setPending(false)
    }
  }

  if (result) {
    return (
      <Modal labelledBy="rotate-done-title" onDismiss={onClose} testId="rotate-done">
        <h2 id="rotate-done-title" className="text-lg font-semibold text-slate-900">
          Secret rotated
        </h2>
        <p className="mt-2 text-sm text-slate-600">
          The new secret was sent to {result.peers_sent} linked {result.peers_sent === 1 ? 'peer' : 'peers'}. The old one is accepted
          until <strong className="font-semibold text-slate-900">{formatTimestamp(result.previous_accepted_until)}</strong>; after
          that, nodes that did not get the new one are out. Invite them again.
        </p>
        <div className="mt-6 flex justify-end">
          <button
            type="button"
            autoFocus
            onClick={onClose}
            className="rounded-lg bg-sky-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sky-800"
          >
            Done
          </button>
        </div>
      </Modal>
    )
  }

  return (
    <ConfirmDialog
      testId="rotate-dialog"
      title="Rotate the mesh secret?"
      confirmLabel="Rotate"
      confirmTestId="confirm-rotate"
      pending={pending}
      error={error}
      onConfirm={() => void confirm()}
      onCancel={onClose}
    >
      <p>
        A new secret is made and sent over the links to the {linkedCount} {linkedCount === 1 ? 'peer' : 'peers'} linked now. The
        old one stays accepted for a grace period (24 hours unless set otherwise), then every node drops it: a node that is offline
        or not linked to this one until then is out of the mesh and needs a new invite. Revoke a node first to keep it out.
      </p>
    </ConfirmDialog>
  )
}
