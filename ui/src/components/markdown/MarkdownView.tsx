// Renders an LLM answer written in Markdown (CommonMark + GFM: tables, strikethrough, task lists,
// autolinks; $$math$$) as React elements with react-markdown. Model output is untrusted:
// - raw HTML is never interpreted: react-markdown turns it into text (no rehype-raw here, ever);
// - link and image targets keep only absolute http(s) URLs (safeUrl), links open in a new tab with
//   rel="noopener noreferrer nofollow", and images show as links (no remote image loads);
// - code blocks and math are rendered by components that only ever produce text and fixed markup.
// This module is the lazily loaded part of components/Markdown.tsx.
import { memo, useEffect, useState, type ComponentProps, type JSX } from 'react'
import ReactMarkdown, { type Components, type ExtraProps } from 'react-markdown'
import remarkGfm from 'remark-gfm'
import { CodeBlock } from './CodeBlock'
import { languageOf, textOf } from './hast'
import { safeUrl } from './safeUrl'

type MathPlugins = typeof import('./math')

let mathPlugins: MathPlugins | null = null
let mathLoading: Promise<MathPlugins> | null = null

/** The math plugins, loaded the first time an answer contains "$$". */
function useMathPlugins(wanted: boolean): MathPlugins | null {
  const [loaded, setLoaded] = useState<MathPlugins | null>(mathPlugins)
  useEffect(() => {
    if (loaded || !wanted) return
    let live = true
    mathLoading ??= import('./math').then((mod) => (mathPlugins = mod))
    mathLoading.then(
      (mod) => live && setLoaded(mod),
      () => {}, // the chunk failed to load: the TeX stays text
    )
    return () => {
      live = false
    }
  }, [loaded, wanted])
  return loaded
}

export const MarkdownView = memo(function MarkdownView({ text, className = '' }: { text: string; className?: string }) {
  const math = useMathPlugins(text.includes('$$'))
  const remarkPlugins = math ? [remarkGfm, ...math.remarkPlugins] : [remarkGfm]
  const rehypePlugins = math ? math.rehypePlugins : []
  return (
    <div className={`min-w-0 space-y-3 leading-relaxed break-words ${className}`}>
      <ReactMarkdown
        remarkPlugins={remarkPlugins}
        rehypePlugins={rehypePlugins}
        urlTransform={(url) => safeUrl(url)}
        components={components}
      >
        {text}
      </ReactMarkdown>
    </div>
  )
})

export default MarkdownView

type Props<Tag extends keyof JSX.IntrinsicElements> = ComponentProps<Tag> & ExtraProps

/** Headings start at <h3> so an answer never competes with the page's <h1>/<h2>. */
function heading(Tag: 'h3' | 'h4' | 'h5' | 'h6', size: string) {
  return function Heading({ children }: Props<'h1'>) {
    return <Tag className={`font-semibold text-slate-900 ${size}`}>{children}</Tag>
  }
}

const components: Components = {
  h1: heading('h3', 'text-lg'),
  h2: heading('h4', 'text-base'),
  h3: heading('h5', 'text-base'),
  h4: heading('h6', 'text-sm'),
  h5: heading('h6', 'text-sm'),
  h6: heading('h6', 'text-sm'),

  a({ href, children }: Props<'a'>) {
    // urlTransform removed an unsafe target: keep only the text.
    if (!href) return <>{children}</>
    return (
      <a
        href={href}
        target="_blank"
        rel="noopener noreferrer nofollow"
        className="font-medium text-sky-700 underline decoration-sky-300 underline-offset-2 hover:text-sky-900 focus-visible:outline-2 focus-visible:outline-sky-500"
      >
        {children}
      </a>
    )
  },

  // No remote images from model output (the node's CSP would block them anyway): a link to it instead.
  img({ src, alt }: Props<'img'>) {
    const label = alt || (typeof src === 'string' ? src : '')
    if (typeof src !== 'string' || !src) return <>{label}</>
    return (
      <a
        href={src}
        target="_blank"
        rel="noopener noreferrer nofollow"
        className="font-medium text-sky-700 underline decoration-sky-300 underline-offset-2 hover:text-sky-900"
      >
        {label}
      </a>
    )
  },

  strong({ children }: Props<'strong'>) {
    return <strong className="font-semibold text-slate-900">{children}</strong>
  },

  code({ children, className }: Props<'code'>) {
    // Inline code only: fenced blocks are taken whole by `pre` below. KaTeX's own elements never reach here.
    return <code className={`rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.875em] text-slate-800 ${className ?? ''}`}>{children}</code>
  },

  pre({ node, children }: Props<'pre'>) {
    const code = node?.children.find((c) => c.type === 'element' && c.tagName === 'code')
    if (!code || code.type !== 'element') return <pre>{children}</pre>
    // The source as written: the copy button must copy it exactly, whatever the rendering adds.
    return <CodeBlock lang={languageOf(code.properties.className)} code={textOf(code.children).replace(/\n$/, '')} />
  },

  ul({ children, className }: Props<'ul'>) {
    // A GFM task list ("- [x] done") shows its checkboxes instead of bullets.
    const tasks = className?.includes('contains-task-list')
    return <ul className={`space-y-1 marker:text-slate-400 ${tasks ? 'list-none pl-1' : 'list-disc pl-6'}`}>{children}</ul>
  },

  ol({ children, start }: Props<'ol'>) {
    return (
      <ol start={start} className="list-decimal space-y-1 pl-6 marker:text-slate-400">
        {children}
      </ol>
    )
  },

  li({ node, children, className }: Props<'li'>) {
    // A loose list item holds paragraphs: space them like blocks. A tight one holds bare text.
    const loose = node?.children.some((c) => c.type === 'element' && c.tagName === 'p')
    return <li className={`pl-1 ${loose ? 'space-y-2' : ''} ${className ?? ''}`}>{children}</li>
  },

  blockquote({ children }: Props<'blockquote'>) {
    return <blockquote className="space-y-2 border-l-4 border-slate-200 pl-3 text-slate-600">{children}</blockquote>
  },

  hr() {
    return <hr className="border-slate-200" />
  },

  table({ children }: Props<'table'>) {
    return (
      <div className="overflow-x-auto">
        <table className="min-w-full border-collapse text-sm">{children}</table>
      </div>
    )
  },

  thead({ children }: Props<'thead'>) {
    return <thead className="[&>tr]:border-slate-300">{children}</thead>
  },

  tr({ children }: Props<'tr'>) {
    return <tr className="border-b border-slate-100">{children}</tr>
  },

  // A column's alignment (":--:") comes as an inline text-align style, which wins over text-left.
  th({ children, style }: Props<'th'>) {
    return (
      <th scope="col" style={style} className="px-2 py-1.5 text-left font-semibold text-slate-900">
        {children}
      </th>
    )
  },

  td({ children, style }: Props<'td'>) {
    return (
      <td style={style} className="px-2 py-1.5 text-left align-top">
        {children}
      </td>
    )
  },
}
