import { useEffect, useRef, useState } from 'react'
import { CheckIcon, CopyIcon } from './Icons'

/** Copies text; falls back to a hidden textarea where the Clipboard API is missing (plain-http LAN address). */
async function copyText(text: string): Promise<boolean> {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text)
      return true
    } catch {
      // fall through to the legacy path
    }
  }
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.style.position = 'fixed'
  area.style.opacity = '0'
  document.body.appendChild(area)
  const previous = document.activeElement as HTMLElement | null
  area.select()
  let ok = false
  try {
    ok = document.execCommand('copy')
  } catch {
    ok = false
  }
  area.remove()
  previous?.focus()
  return ok
}

const TONES = {
  dark: 'text-slate-300 hover:bg-slate-700 hover:text-white focus-visible:outline-sky-400',
  light: 'border border-slate-300 bg-white text-slate-700 shadow-sm hover:bg-slate-50 focus-visible:outline-sky-500',
}

/** Small "Copy" button that confirms with "Copied" (announced politely) for two seconds; `dark` on code blocks, `light` on white. */
export function CopyButton({ text, label = 'Copy', testId, tone = 'dark' }: {
  text: string
  label?: string
  testId?: string
  tone?: keyof typeof TONES
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => () => clearTimeout(timer.current), [])

  const onClick = async () => {
    const ok = await copyText(text)
    setState(ok ? 'copied' : 'failed')
    clearTimeout(timer.current)
    timer.current = setTimeout(() => setState('idle'), 2000)
  }

  return (
    <button
      type="button"
      data-testid={testId}
      onClick={() => void onClick()}
      className={`inline-flex items-center gap-1 rounded-md px-2 py-1 text-xs font-medium transition focus-visible:outline-2 ${TONES[tone]}`}
    >
      {state === 'copied' ? <CheckIcon className={tone === 'dark' ? 'text-emerald-400' : 'text-emerald-600'} /> : <CopyIcon />}
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}</span>
    </button>
  )
}
