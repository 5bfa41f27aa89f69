import { memo, useMemo, type ReactNode } from 'react'
import { parseMarkdown, type Align, type Block, type Inline } from '../markdown'
import { CopyButton } from './CopyButton'

/**
 * Renders an LLM answer written in Markdown as React elements (never as HTML strings).
 * Headings start at <h3> so an answer never competes with the page's <h1>/<h2>.
 *
 * Test ids: `markdown-code` (each fenced code block), `markdown-copy` (its copy button).
 */
export const Markdown = memo(function Markdown({ text, className = '' }: { text: string; className?: string }) {
  const blocks = useMemo(() => parseMarkdown(text), [text])
  return <div className={`min-w-0 space-y-3 leading-relaxed break-words ${className}`}>{renderBlocks(blocks, false)}</div>
})

function renderBlocks(blocks: Block[], tight: boolean): ReactNode[] {
  return blocks.map((block, i) => renderBlock(block, i, tight))
}

const HEADING_STYLES = ['text-lg', 'text-base', 'text-base', 'text-sm', 'text-sm', 'text-sm']

const ALIGN: Record<Exclude<Align, null>, string> = { left: 'text-left', center: 'text-center', right: 'text-right' }

function renderBlock(block: Block, key: number, tight: boolean): ReactNode {
  switch (block.type) {
    case 'paragraph':
      return tight ? (
        <span key={key} className="block">
          {renderInlines(block.children)}
        </span>
      ) : (
        <p key={key}>{renderInlines(block.children)}</p>
      )
    case 'heading': {
      const Tag = (['h3', 'h4', 'h5', 'h6', 'h6', 'h6'] as const)[block.level - 1]
      return (
        <Tag key={key} className={`font-semibold text-slate-900 ${HEADING_STYLES[block.level - 1]}`}>
          {renderInlines(block.children)}
        </Tag>
      )
    }
    case 'code':
      return <CodeBlock key={key} lang={block.lang} code={block.text} />
    case 'list': {
      const items = block.items.map((item, k) => (
        <li key={k} className="pl-1">
          {item.length > 0 && <div className={block.tight ? '' : 'space-y-2'}>{renderBlocks(item, block.tight)}</div>}
        </li>
      ))
      return block.ordered ? (
        <ol key={key} start={block.start} className="list-decimal space-y-1 pl-6 marker:text-slate-400">
          {items}
        </ol>
      ) : (
        <ul key={key} className="list-disc space-y-1 pl-6 marker:text-slate-400">
          {items}
        </ul>
      )
    }
    case 'quote':
      return (
        <blockquote key={key} className="space-y-2 border-l-4 border-slate-200 pl-3 text-slate-600">
          {renderBlocks(block.children, false)}
        </blockquote>
      )
    case 'rule':
      return <hr key={key} className="border-slate-200" />
    case 'table':
      return (
        <div key={key} className="overflow-x-auto">
          <table className="min-w-full border-collapse text-sm">
            <thead>
              <tr className="border-b border-slate-300">
                {block.head.map((cell, c) => (
                  <th
                    key={c}
                    scope="col"
                    className={`px-2 py-1.5 font-semibold text-slate-900 ${ALIGN[block.align[c] ?? 'left']}`}
                  >
                    {renderInlines(cell)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {block.rows.map((row, r) => (
                <tr key={r} className="border-b border-slate-100">
                  {row.map((cell, c) => (
                    <td key={c} className={`px-2 py-1.5 align-top ${ALIGN[block.align[c] ?? 'left']}`}>
                      {renderInlines(cell)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )
  }
}

function renderInlines(inlines: Inline[]): ReactNode[] {
  return inlines.map((node, i) => {
    switch (node.type) {
      case 'text':
        return node.text
      case 'br':
        return <br key={i} />
      case 'code':
        return (
          <code key={i} className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.875em] text-slate-800">
            {node.text}
          </code>
        )
      case 'em':
        return <em key={i}>{renderInlines(node.children)}</em>
      case 'strong':
        return (
          <strong key={i} className="font-semibold text-slate-900">
            {renderInlines(node.children)}
          </strong>
        )
      case 'del':
        return <del key={i}>{renderInlines(node.children)}</del>
      case 'link':
        return (
          <a
            key={i}
            href={node.href}
            target="_blank"
            rel="noopener noreferrer nofollow"
            className="font-medium text-sky-700 underline decoration-sky-300 underline-offset-2 hover:text-sky-900 focus-visible:outline-2 focus-visible:outline-sky-500"
          >
            {renderInlines(node.children)}
          </a>
        )
    }
  })
}

function CodeBlock({ lang, code }: { lang: string; code: string }) {
  return (
    <div data-testid="markdown-code" className="overflow-hidden rounded-lg border border-slate-800 bg-slate-900 text-slate-100">
      <div className="flex items-center justify-between gap-2 border-b border-slate-800 bg-slate-800/60 py-1 pr-1 pl-3">
        <span className="font-mono text-xs text-slate-400">{lang || 'code'}</span>
        <CopyButton text={code} label="Copy" testId="markdown-copy" />
      </div>
      <pre className="overflow-x-auto p-3 text-[13px] leading-relaxed">
        <code className="font-mono">{code}</code>
      </pre>
    </div>
  )
}
