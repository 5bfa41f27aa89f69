// Highlighting what a conversation search matched, the way the node matches it: the query as
// typed, ignoring case.

export interface Segment {
  text: string
  match: boolean
}

/** `text` cut into the parts that match `query` (ignoring case) and the parts between. */
export function matchSegments(text: string, query: string): Segment[] {
  const q = query.trim()
  if (!q) return text ? [{ text, match: false }] : []
  const lower = text.toLowerCase()
  const needle = q.toLowerCase()
  const segments: Segment[] = []
  let from = 0
  for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, from)) {
    if (at > from) segments.push({ text: text.slice(from, at), match: false })
    segments.push({ text: text.slice(at, at + q.length), match: true })
    from = at + q.length
  }
  if (from < text.length) segments.push({ text: text.slice(from), match: false })
  return segments
}
