import { useCallback, useEffect, useId, useState } from 'react'
import { QRCodeSVG } from 'qrcode.react'
import { ApiError } from '../../api/http'
import { createInvite } from '../../api/mesh'
import type { Invite } from '../../api/types'
import { CopyButton } from '../../components/CopyButton'
import { Modal } from '../../components/Modal'
import { Spinner } from '../../components/Spinner'
import { useNow } from '../../useNow'
import { formatRemaining, groupCode } from './invite'

function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.status === 0 ? 'Could not reach the node' : err.message
  return 'Making the invite failed'
}

/**
 * "Invite a device": makes a single-use code (POST /api/invites) and shows it as text and as a QR code, with the time it has
 * left. The new device pastes it under "Join a mesh", or runs `meshmind join CODE`.
 */
export function InviteDialog({ onClose }: { onClose: () => void }) {
  const titleId = useId()
  const [invite, setInvite] = useState<Invite | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [pending, setPending] = useState(true)
  // The clock ticks once a second: until its next tick, count from when the invite arrived, so a new one never shows 10:01.
  const [receivedAt, setReceivedAt] = useState(0)
  const now = useNow()

  const make = useCallback(async () => {
    setPending(true)
    setError(null)
    try {
      const made = await createInvite()
      setReceivedAt(Date.now())
      setInvite(made)
    } catch (err) {
      setInvite(null)
      setError(errorText(err))
    } finally {
      setPending(false)
    }
  }, [])

  useEffect(() => {
    void make()
  }, [make])

  const remaining = invite ? formatRemaining(invite.expires_at, Math.max(now, receivedAt)) : null

  return (
    <Modal labelledBy={titleId} onDismiss={onClose} testId="invite-dialog">
      <h2 id={titleId} className="text-lg font-semibold text-slate-900">
        Invite a device
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        On the new device, paste this code under <strong className="font-semibold">Join a mesh</strong> on its Network screen, or
        run <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-xs">meshmind join CODE</code> before its first start.
        It gets the mesh secret over an encrypted connection to this node. The code works once.
      </p>

      {pending && (
        <div className="mt-6 flex items-center justify-center gap-2 py-10 text-sm text-slate-500" role="status">
          <Spinner className="h-4 w-4" /> Making an invite…
        </div>
      )}

      {error && (
        <div role="alert" data-testid="invite-error" className="mt-4 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}
        </div>
      )}

      {invite && !pending && (
        <div className="mt-5 flex flex-col items-center gap-4">
          <div
            className={`rounded-xl border border-slate-200 bg-white p-3 shadow-sm ${remaining ? '' : 'opacity-30'}`}
            data-testid="invite-qr"
          >
            <QRCodeSVG value={invite.code} size={184} level="M" marginSize={1} title="The invite code as a QR code" />
          </div>
          <p
            data-testid="invite-code"
            data-code={invite.code}
            className={`w-full rounded-lg bg-slate-50 px-3 py-2 text-center font-mono text-sm leading-6 break-words text-slate-900 ring-1 ring-slate-200 select-all ${remaining ? '' : 'line-through opacity-50'}`}
          >
            {groupCode(invite.code)}
          </p>
          <div className="flex w-full items-center justify-between gap-3 text-sm">
            <span data-testid="invite-expiry" className="text-slate-600 tabular-nums">
              {remaining ? (
                <>
                  Valid for <strong className="font-semibold text-slate-900">{remaining}</strong> · works once
                </>
              ) : (
                <span className="font-medium text-amber-700">Expired</span>
              )}
            </span>
            {remaining ? (
              <CopyButton text={invite.code} label="Copy code" tone="light" testId="invite-copy" />
            ) : (
              <button
                type="button"
                onClick={() => void make()}
                className="rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-xs font-semibold text-slate-700 shadow-sm hover:bg-slate-50"
              >
                Make a new one
              </button>
            )}
          </div>
        </div>
      )}

      <div className="mt-6 flex justify-end">
        <button
          type="button"
          autoFocus
          onClick={onClose}
          className="rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-700 shadow-sm transition hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500"
        >
          Done
        </button>
      </div>
    </Modal>
  )
}
