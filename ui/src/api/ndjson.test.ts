import { describe, expect, it } from 'vitest'
import { NdjsonLineSplitter } from './ndjson'

/** Feeds `chunks` in order and returns every line, including the one `end()` completes. */
function split(chunks: string[], maxLineChars?: number): string[] {
  const splitter = new NdjsonLineSplitter(maxLineChars)
  return [...chunks.flatMap((c) => splitter.push(c)), ...splitter.end()]
}

const STREAM =
  '{"type":"start","conversation_id":"c1"}\n{"type":"token","content":"Hé"}\r\n\n   \n{"type":"token","content":"llo\\n"}\n{"type":"done"}'
const LINES = [
  '{"type":"start","conversation_id":"c1"}',
  '{"type":"token","content":"Hé"}',
  '{"type":"token","content":"llo\\n"}',
  '{"type":"done"}',
]

describe('NdjsonLineSplitter', () => {
  it('splits a whole stream into its non-blank lines, without CR', () => {
    expect(split([STREAM])).toEqual(LINES)
  })

  it('gives the same lines however the stream is cut in two', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      expect(split([STREAM.slice(0, cut), STREAM.slice(cut)]), `cut at ${cut}`).toEqual(LINES)
    }
  })

  it('gives the same lines when the stream arrives one character at a time', () => {
    expect(split([...STREAM])).toEqual(LINES)
  })

  it('returns a line only once its newline has arrived', () => {
    const splitter = new NdjsonLineSplitter()
    expect(splitter.push('{"a":')).toEqual([])
    expect(splitter.push('1}')).toEqual([])
    expect(splitter.push('\n{"b"')).toEqual(['{"a":1}'])
    expect(splitter.end()).toEqual(['{"b"'])
  })

  it('ends with nothing when the last line had its newline or was blank', () => {
    const splitter = new NdjsonLineSplitter()
    expect(splitter.push('{"a":1}\n  \r')).toEqual(['{"a":1}'])
    expect(splitter.end()).toEqual([])
  })

  it('refuses a line longer than the cap instead of buffering it', () => {
    const splitter = new NdjsonLineSplitter(10)
    expect(splitter.push('0123456789')).toEqual([])
    expect(() => splitter.push('X')).toThrow(/too long/)
  })

  it('accepts a line at the cap once it is complete', () => {
    expect(split(['0123456789', '\n'], 10)).toEqual(['0123456789'])
  })
})
