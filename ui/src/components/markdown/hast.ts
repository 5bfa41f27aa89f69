import type { ElementContent } from 'hast'

/** The text of hast nodes, concatenated (a code block's source, whatever highlighting spans it holds). */
export function textOf(nodes: readonly ElementContent[]): string {
  let text = ''
  for (const node of nodes) {
    if (node.type === 'text') text += node.value
    else if (node.type === 'element') text += textOf(node.children)
  }
  return text
}

/** The language of a fenced code block from its `<code class="language-x">`; '' when it names none. */
export function languageOf(className: unknown): string {
  const classes = Array.isArray(className) ? className : typeof className === 'string' ? className.split(/\s+/) : []
  for (const c of classes) {
    if (typeof c === 'string' && c.startsWith('language-')) return c.slice('language-'.length)
  }
  return ''
}
