// Syntax highlighting for code blocks, loaded on demand (CodeBlock imports this module lazily) so
// highlight.js stays out of the main bundle. A small set of languages keeps the chunk small; a block
// in any other language is shown unhighlighted.
import type { ReactNode } from 'react'
import type { ElementContent } from 'hast'
import { createLowlight } from 'lowlight'
import bash from 'highlight.js/lib/languages/bash'
import c from 'highlight.js/lib/languages/c'
import cpp from 'highlight.js/lib/languages/cpp'
import csharp from 'highlight.js/lib/languages/csharp'
import css from 'highlight.js/lib/languages/css'
import diff from 'highlight.js/lib/languages/diff'
import dockerfile from 'highlight.js/lib/languages/dockerfile'
import go from 'highlight.js/lib/languages/go'
import ini from 'highlight.js/lib/languages/ini'
import java from 'highlight.js/lib/languages/java'
import javascript from 'highlight.js/lib/languages/javascript'
import json from 'highlight.js/lib/languages/json'
import kotlin from 'highlight.js/lib/languages/kotlin'
import markdown from 'highlight.js/lib/languages/markdown'
import php from 'highlight.js/lib/languages/php'
import powershell from 'highlight.js/lib/languages/powershell'
import python from 'highlight.js/lib/languages/python'
import ruby from 'highlight.js/lib/languages/ruby'
import rust from 'highlight.js/lib/languages/rust'
import shell from 'highlight.js/lib/languages/shell'
import sql from 'highlight.js/lib/languages/sql'
import swift from 'highlight.js/lib/languages/swift'
import typescript from 'highlight.js/lib/languages/typescript'
import xml from 'highlight.js/lib/languages/xml'
import yaml from 'highlight.js/lib/languages/yaml'
import 'highlight.js/styles/github-dark.css'

const lowlight = createLowlight({
  bash,
  c,
  cpp,
  csharp,
  css,
  diff,
  dockerfile,
  go,
  ini,
  java,
  javascript,
  json,
  kotlin,
  markdown,
  php,
  powershell,
  python,
  ruby,
  rust,
  shell,
  sql,
  swift,
  typescript,
  xml,
  yaml,
})

/** True when `lang` (a fence's language or one of its aliases: "py", "ts", "sh", "html"…) is highlighted. */
export function canHighlight(lang: string): boolean {
  return lang !== '' && lowlight.registered(lang.toLowerCase())
}

/** `code` as highlighted React nodes (spans with highlight.js classes); null for a language not in the set. */
export function highlight(code: string, lang: string): ReactNode[] | null {
  if (!canHighlight(lang)) return null
  return toReact(lowlight.highlight(lang.toLowerCase(), code).children as ElementContent[])
}

// lowlight's tree holds only <span class="hljs-…"> elements and text, so this is all the conversion
// it needs; nothing from the highlighted text can become anything but text.
function toReact(nodes: readonly ElementContent[]): ReactNode[] {
  return nodes.map((node, i) => {
    if (node.type === 'text') return node.value
    if (node.type !== 'element') return null
    const className = node.properties.className
    return (
      <span key={i} className={Array.isArray(className) ? className.join(' ') : undefined}>
        {toReact(node.children)}
      </span>
    )
  })
}
