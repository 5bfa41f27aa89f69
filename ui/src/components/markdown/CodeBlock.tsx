import { useEffect, useMemo, useState } from 'react'
import { CopyButton } from '../CopyButton'

type Highlighter = typeof import('./highlight')

// Loaded once, on the first code block that names a language; every later block uses it at once.
let highlighter: Highlighter | null = null
let loading: Promise<Highlighter> | null = null

function loadHighlighter(): Promise<Highlighter> {
  loading ??= import('./highlight').then((mod) => (highlighter = mod))
  return loading
}

/**
 * A fenced code block: the language (or "code"), a copy button that copies the source exactly, and
 * the code, highlighted once the highlighter has loaded (plain until then, or for other languages).
 *
 * Test ids: `markdown-code` (the block), `markdown-copy` (its copy button).
 */
export function CodeBlock({ lang, code }: { lang: string; code: string }) {
  const [loaded, setLoaded] = useState<Highlighter | null>(highlighter)
  useEffect(() => {
    if (loaded || !lang) return
    let live = true
    loadHighlighter().then(
      (mod) => live && setLoaded(mod),
      () => {}, // the chunk failed to load: the code stays plain
    )
    return () => {
      live = false
    }
  }, [loaded, lang])
  const highlighted = useMemo(() => (loaded ? loaded.highlight(code, lang) : null), [loaded, code, lang])

  return (
    <div data-testid="markdown-code" className="overflow-hidden rounded-lg border border-slate-800 bg-slate-900 text-slate-100">
      <div className="flex items-center justify-between gap-2 border-b border-slate-800 bg-slate-800/60 py-1 pr-1 pl-3">
        <span className="font-mono text-xs text-slate-400">{lang || 'code'}</span>
        <CopyButton text={code} label="Copy" testId="markdown-copy" />
      </div>
      <pre className="overflow-x-auto p-3 text-[13px] leading-relaxed">
        <code className="font-mono" data-highlighted={highlighted ? 'true' : undefined}>
          {highlighted ?? code}
        </code>
      </pre>
    </div>
  )
}
