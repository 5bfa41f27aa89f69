// A small Markdown parser for LLM answers: CommonMark-ish blocks and inlines, into a tree that
// components/Markdown.tsx turns into React elements. Raw HTML is never interpreted (it stays text)
// and links keep only absolute http/https targets, so the output is safe by construction.
// Incomplete input (an answer still streaming) parses too: an unclosed fence is a code block,
// an unclosed "**" stays literal text.

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'em' | 'strong' | 'del'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] }
  | { type: 'br' }

export type Align = 'left' | 'center' | 'right' | null

export type Block =
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'heading'; level: number; children: Inline[] }
  | { type: 'code'; lang: string; text: string }
  | { type: 'list'; ordered: boolean; start: number; tight: boolean; items: Block[][] }
  | { type: 'quote'; children: Block[] }
  | { type: 'rule' }
  | { type: 'table'; align: Align[]; head: Inline[][]; rows: Inline[][][] }

/** Containers (quotes, lists) and inlines nest at most this deep; deeper text stays plain. */
const MAX_DEPTH = 12

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').split('\n')
  return parseBlocks(lines, 0)
}

// ---------------------------------------------------------------------------------------------
// Blocks

const FENCE = /^( {0,3})(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$/
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/
const QUOTE = /^ {0,3}>/
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])(?:([ \t]+)(.*))?$/
const TABLE_SEPARATOR = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/

interface ListMarker {
  indent: number
  ordered: boolean
  bullet: string
  start: number
  /** Column where the item's content starts. */
  contentIndent: number
  text: string
}

function isBlank(line: string): boolean {
  return line.trim() === ''
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length
}

/** Removes up to `n` leading spaces. */
function dedent(line: string, n: number): string {
  return line.slice(Math.min(n, indentOf(line)))
}

function listMarker(line: string): ListMarker | null {
  const m = LIST_ITEM.exec(line)
  if (!m) return null
  const [, lead, marker, gap = '', text = ''] = m
  // "-" with no text is an empty item; "1." followed by nothing likewise. Anything else needs a gap.
  if (!gap && text) return null
  const ordered = /\d/.test(marker[0])
  const width = gap.length >= 5 || !text ? 1 : gap.length
  return {
    indent: lead.length,
    ordered,
    bullet: ordered ? marker[marker.length - 1] : marker,
    start: ordered ? parseInt(marker, 10) : 1,
    contentIndent: lead.length + marker.length + width,
    text: gap.length >= 5 ? gap.slice(1) + text : text,
  }
}

function isTableStart(lines: string[], i: number): boolean {
  return i + 1 < lines.length && lines[i].includes('|') && TABLE_SEPARATOR.test(lines[i + 1]) && lines[i + 1].includes('-')
}

/** Does this line start a block that ends a paragraph? */
function interruptsParagraph(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || (listMarker(line)?.text ?? '') !== ''
}

function parseBlocks(lines: string[], depth: number): Block[] {
  const blocks: Block[] = []
  let i = 0
  while (i < lines.length) {
    const line = lines[i]
    if (isBlank(line)) {
      i++
      continue
    }

    const fence = FENCE.exec(line)
    if (fence) {
      const [, lead, marks, lang] = fence
      const close = new RegExp(`^ {0,3}${marks[0] === '`' ? '`' : '~'}{${marks.length},}[ \\t]*$`)
      const body: string[] = []
      i++
      while (i < lines.length && !close.test(lines[i])) body.push(dedent(lines[i++], lead.length))
      i++ // the closing fence (or past the end when the answer is still streaming)
      blocks.push({ type: 'code', lang, text: body.join('\n') })
      continue
    }

    const heading = HEADING.exec(line)
    if (heading) {
      blocks.push({ type: 'heading', level: heading[1].length, children: parseInline(heading[2] ?? '') })
      i++
      continue
    }

    if (RULE.test(line)) {
      blocks.push({ type: 'rule' })
      i++
      continue
    }

    if (QUOTE.test(line)) {
      const body: string[] = []
      while (i < lines.length && QUOTE.test(lines[i])) body.push(lines[i++].replace(/^ {0,3}> ?/, ''))
      blocks.push(
        depth < MAX_DEPTH
          ? { type: 'quote', children: parseBlocks(body, depth + 1) }
          : { type: 'paragraph', children: [{ type: 'text', text: body.join('\n') }] },
      )
      continue
    }

    if (listMarker(line) && depth < MAX_DEPTH) {
      i = parseList(lines, i, depth, blocks)
      continue
    }

    if (isTableStart(lines, i)) {
      i = parseTable(lines, i, blocks)
      continue
    }

    // trimStart only: two trailing spaces are a hard line break
    const para = [line.trimStart()]
    i++
    while (i < lines.length && !isBlank(lines[i]) && !interruptsParagraph(lines[i]) && !isTableStart(lines, i)) {
      para.push(lines[i++].trimStart())
    }
    blocks.push({ type: 'paragraph', children: parseInline(para.join('\n')) })
  }
  return blocks
}

function parseList(lines: string[], start: number, depth: number, out: Block[]): number {
  const first = listMarker(lines[start])!
  const items: Block[][] = []
  let tight = true
  let i = start

  for (;;) {
    const marker = i < lines.length ? listMarker(lines[i]) : null
    if (!marker || marker.ordered !== first.ordered || marker.bullet !== first.bullet) break

    // Lines indented at least this far belong to the item. LLMs often indent nested lists by two
    // spaces under "1. ", so accept that as well as the CommonMark content column.
    const belongs = Math.min(marker.contentIndent, marker.indent + 2)
    const body = [marker.text]
    i++
    let afterBlank = false
    while (i < lines.length) {
      const line = lines[i]
      if (isBlank(line)) {
        body.push('')
        afterBlank = true
        i++
      } else if (indentOf(line) >= belongs) {
        body.push(dedent(line, marker.contentIndent))
        afterBlank = false
        i++
      } else if (!afterBlank && !interruptsParagraph(line) && !isTableStart(lines, i)) {
        body.push(line.trimStart()) // lazy continuation of the item's paragraph
        i++
      } else {
        break
      }
    }

    let trailingBlank = false
    while (body.length > 0 && isBlank(body[body.length - 1])) {
      body.pop()
      trailingBlank = true
    }
    if (body.some(isBlank)) tight = false
    items.push(parseBlocks(body, depth + 1))

    const next = i < lines.length ? listMarker(lines[i]) : null
    const continues = next != null && next.ordered === first.ordered && next.bullet === first.bullet
    if (!continues) break
    if (trailingBlank) tight = false
  }

  out.push({ type: 'list', ordered: first.ordered, start: first.start, tight, items })
  return i
}

function splitRow(line: string): string[] {
  let s = line.trim()
  if (s.startsWith('|')) s = s.slice(1)
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1)
  const cells: string[] = []
  let cell = ''
  let inCode = false
  for (let k = 0; k < s.length; k++) {
    const ch = s[k]
    if (ch === '\\' && s[k + 1] === '|') {
      cell += '|'
      k++
    } else if (ch === '`') {
      inCode = !inCode
      cell += ch
    } else if (ch === '|' && !inCode) {
      cells.push(cell.trim())
      cell = ''
    } else {
      cell += ch
    }
  }
  cells.push(cell.trim())
  return cells
}

function parseTable(lines: string[], start: number, out: Block[]): number {
  const head = splitRow(lines[start])
  const align: Align[] = splitRow(lines[start + 1]).map((c) => {
    const left = c.startsWith(':')
    const right = c.endsWith(':')
    return left && right ? 'center' : right ? 'right' : left ? 'left' : null
  })
  const columns = head.length
  const fit = (cells: string[]) => Array.from({ length: columns }, (_, k) => parseInline(cells[k] ?? ''))
  const rows: Inline[][][] = []
  let i = start + 2
  while (i < lines.length && !isBlank(lines[i]) && lines[i].includes('|') && !interruptsParagraph(lines[i])) {
    rows.push(fit(splitRow(lines[i++])))
  }
  out.push({ type: 'table', align: Array.from({ length: columns }, (_, k) => align[k] ?? null), head: fit(head), rows })
  return i
}

// ---------------------------------------------------------------------------------------------
// Inlines

const ESCAPABLE = new Set('\\`*_{}[]()#+-.!|~<>"\'')
const AUTOLINK = /^<(https?:\/\/[^\s<>]+)>/i
const BARE_URL = /^https?:\/\/[^\s<>]*[^\s<>.,:;"'!?)\]*_~]/i

/** The URL, normalised, if it is an absolute http(s) URL; otherwise null (javascript:, data:, relative…). */
export function safeHref(url: string): string | null {
  try {
    const parsed = new URL(url.trim())
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null
  } catch {
    return null
  }
}

function runLength(s: string, i: number, ch: string): number {
  let n = 0
  while (s[i + n] === ch) n++
  return n
}

function isSpace(ch: string | undefined): boolean {
  return ch === undefined || /\s/.test(ch)
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch)
}

/** `[text](url "title")` starting at s[i] === '['. */
function matchLink(s: string, i: number): { text: string; url: string; end: number } | null {
  let depth = 0
  let j = i
  for (; j < s.length; j++) {
    const ch = s[j]
    if (ch === '\\') j++
    else if (ch === '[') depth++
    else if (ch === ']' && --depth === 0) break
  }
  if (j >= s.length || s[j + 1] !== '(') return null
  let k = j + 2
  let parens = 1
  for (; k < s.length; k++) {
    const ch = s[k]
    if (ch === '\\') k++
    else if (ch === '(') parens++
    else if (ch === ')' && --parens === 0) break
    else if (ch === '\n') return null
  }
  if (k >= s.length) return null
  let target = s.slice(j + 2, k).trim()
  if (target.startsWith('<')) target = target.slice(1, target.indexOf('>') > 0 ? target.indexOf('>') : undefined)
  else target = target.split(/\s+/)[0] ?? ''
  return { text: s.slice(i + 1, j), url: target, end: k + 1 }
}

/** Finds the closing delimiter run (exactly `len` of `ch`) for an opener ending before `from`. */
function findCloser(s: string, from: number, ch: string, len: number): number {
  let k = from
  while (k < s.length) {
    if (s[k] === '\\') {
      k += 2
      continue
    }
    if (s[k] === '`') {
      // emphasis does not close inside a code span
      const ticks = runLength(s, k, '`')
      const end = s.indexOf('`'.repeat(ticks), k + ticks)
      k = end < 0 ? k + ticks : end + ticks
      continue
    }
    if (s[k] === ch) {
      const run = runLength(s, k, ch)
      const rightFlanking = !isSpace(s[k - 1])
      const intraword = ch === '_' && isWordChar(s[k + run])
      if (run === len && rightFlanking && !intraword) return k
      k += run
      continue
    }
    k++
  }
  return -1
}

interface InlineContext {
  depth: number
  inLink: boolean
}

export function parseInline(s: string, ctx: InlineContext = { depth: 0, inLink: false }): Inline[] {
  const out: Inline[] = []
  let text = ''
  const flush = () => {
    if (text) out.push({ type: 'text', text })
    text = ''
  }
  const nested = (inner: string, inLink = ctx.inLink) =>
    ctx.depth < MAX_DEPTH ? parseInline(inner, { depth: ctx.depth + 1, inLink }) : [{ type: 'text' as const, text: inner }]

  let i = 0
  while (i < s.length) {
    const ch = s[i]

    if (ch === '\\') {
      const next = s[i + 1]
      if (next === '\n') {
        flush()
        out.push({ type: 'br' })
        i += 2
        continue
      }
      if (next !== undefined && ESCAPABLE.has(next)) {
        text += next
        i += 2
        continue
      }
    }

    if (ch === '\n') {
      const hard = / {2,}$/.test(text)
      text = text.replace(/ +$/, '')
      if (hard) {
        flush()
        out.push({ type: 'br' })
      } else {
        text += '\n'
      }
      i++
      continue
    }

    if (ch === '`') {
      const ticks = runLength(s, i, '`')
      const close = s.indexOf('`'.repeat(ticks), i + ticks)
      if (close >= 0 && runLength(s, close, '`') === ticks) {
        let code = s.slice(i + ticks, close).replace(/\n/g, ' ')
        if (code.length >= 2 && code.startsWith(' ') && code.endsWith(' ') && code.trim()) code = code.slice(1, -1)
        flush()
        out.push({ type: 'code', text: code })
        i = close + ticks
      } else {
        text += s.slice(i, i + ticks)
        i += ticks
      }
      continue
    }

    if (ch === '[' && !ctx.inLink) {
      const link = matchLink(s, i)
      if (link) {
        const href = safeHref(link.url)
        const children = nested(link.text, true)
        flush()
        if (href) out.push({ type: 'link', href, children })
        else out.push(...children) // unsafe or relative target: keep only the text
        i = link.end
        continue
      }
    }

    if (ch === '<' && !ctx.inLink) {
      const m = AUTOLINK.exec(s.slice(i, i + 2048))
      const href = m ? safeHref(m[1]) : null
      if (m && href) {
        flush()
        out.push({ type: 'link', href, children: [{ type: 'text', text: m[1] }] })
        i += m[0].length
        continue
      }
    }

    if ((ch === 'h' || ch === 'H') && !ctx.inLink && !isWordChar(s[i - 1])) {
      const m = BARE_URL.exec(s.slice(i, i + 2048))
      const href = m ? safeHref(m[0]) : null
      if (m && href) {
        flush()
        out.push({ type: 'link', href, children: [{ type: 'text', text: m[0] }] })
        i += m[0].length
        continue
      }
    }

    if (ch === '*' || ch === '_' || ch === '~') {
      const run = runLength(s, i, ch)
      const opens =
        !isSpace(s[i + run]) &&
        (ch !== '_' || !isWordChar(s[i - 1])) &&
        (ch === '~' ? run === 2 : run <= 3)
      const close = opens ? findCloser(s, i + run, ch, run) : -1
      if (close > i + run) {
        const inner = nested(s.slice(i + run, close))
        flush()
        if (ch === '~') out.push({ type: 'del', children: inner })
        else if (run === 1) out.push({ type: 'em', children: inner })
        else if (run === 2) out.push({ type: 'strong', children: inner })
        else out.push({ type: 'strong', children: [{ type: 'em', children: inner }] })
        i = close + run
      } else {
        text += s.slice(i, i + run)
        i += run
      }
      continue
    }

    text += ch
    i++
  }
  flush()
  return out
}
