import { snippetParts } from '../api/search'

/** A search snippet with its matches highlighted; the file's text is shown as text, never as HTML. */
export function Snippet({ text, className = '', testId }: { text: string; className?: string; testId?: string }) {
  return (
    <span data-testid={testId} className={className}>
      {snippetParts(text).map((part, i) =>
        part.mark ? (
          <mark key={i} className="rounded-sm bg-amber-100 px-0.5 text-slate-900">
            {part.text}
          </mark>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </span>
  )
}
