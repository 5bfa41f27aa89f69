import { useState } from 'react'
import { InviteDialog } from './InviteDialog'
import { JoinMeshDialog } from './JoinMeshDialog'
import { RotateSecretDialog } from './RotateSecretDialog'

type Open = 'invite' | 'join' | 'rotate' | null

const SECONDARY =
  'inline-flex items-center gap-1.5 rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold text-slate-700 shadow-sm transition hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500'

/** The Network screen's mesh actions: invite a device, join a mesh with a code, rotate the mesh secret. */
export function MeshActions({ peerCount, linkedCount, onChanged }: {
  peerCount: number
  linkedCount: number
  onChanged: () => void
}) {
  const [open, setOpen] = useState<Open>(null)
  const close = () => {
    setOpen(null)
    onChanged()
  }

  return (
    <div className="mb-6 flex flex-wrap items-center gap-2" data-testid="mesh-actions">
      <button
        type="button"
        data-testid="invite-open"
        onClick={() => setOpen('invite')}
        className="inline-flex items-center gap-1.5 rounded-lg bg-sky-700 px-3 py-1.5 text-sm font-semibold text-white shadow-sm transition hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500"
      >
        Invite a device
      </button>
      <button type="button" data-testid="join-open" onClick={() => setOpen('join')} className={SECONDARY}>
        Join a mesh
      </button>
      <button type="button" data-testid="rotate-open" onClick={() => setOpen('rotate')} className={SECONDARY}>
        Rotate secret
      </button>
      {open === 'invite' && <InviteDialog onClose={close} />}
      {open === 'join' && <JoinMeshDialog peerCount={peerCount} onClose={close} onJoined={onChanged} />}
      {open === 'rotate' && <RotateSecretDialog linkedCount={linkedCount} onClose={close} />}
    </div>
  )
}
