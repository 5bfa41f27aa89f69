import { lazy, Suspense } from 'react'

// react-markdown, its parser and the GFM extensions load with the first answer shown, not with the app.
const MarkdownView = lazy(() => import('./markdown/MarkdownView'))

/**
 * An LLM answer written in Markdown, rendered as React elements (never as HTML strings); see
 * markdown/MarkdownView.tsx for what is rendered and how model output is kept from injecting markup.
 * Until the renderer has loaded, the text shows as it is.
 *
 * Test ids: `markdown-code` (each fenced code block), `markdown-copy` (its copy button).
 */
export function Markdown({ text, className = '' }: { text: string; className?: string }) {
  return (
    <Suspense fallback={<div className={`min-w-0 leading-relaxed break-words whitespace-pre-wrap ${className}`}>{text}</div>}>
      <MarkdownView text={text} className={className} />
    </Suspense>
  )
}
