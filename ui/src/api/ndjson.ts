import { ApiError, isAbortError } from './http'

const DEFAULT_MAX_LINE_CHARS = 8 * 1024 * 1024

/**
 * Splits newline-delimited JSON text, fed in arbitrary chunks, into complete non-blank lines.
 * Pure and synchronous, so every way of chunking a stream can be tested; a line longer than the
 * cap is an error rather than an unbounded buffer.
 */
export class NdjsonLineSplitter {
  private pending = ''
  private readonly maxLineChars: number

  constructor(maxLineChars = DEFAULT_MAX_LINE_CHARS) {
    this.maxLineChars = maxLineChars
  }

  /** Adds decoded text; returns the lines it completed. */
  push(chunk: string): string[] {
    const nl = chunk.lastIndexOf('\n')
    if (nl < 0) {
      this.pending += chunk
      this.checkSize()
      return []
    }
    const text = this.pending + chunk.slice(0, nl)
    this.pending = chunk.slice(nl + 1)
    this.checkSize()
    return text.split('\n').map(trimCr).filter((line) => line.trim() !== '')
  }

  /** The stream ended: returns the last line if it had no trailing newline. */
  end(): string[] {
    const rest = trimCr(this.pending)
    this.pending = ''
    return rest.trim() === '' ? [] : [rest]
  }

  private checkSize() {
    if (this.pending.length > this.maxLineChars) throw new Error('The node sent a reply line that is too long')
  }
}

function trimCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line
}

/**
 * The lines of an NDJSON response body as they arrive (chat answers, model pulls and copies). Abort `signal` to stop;
 * the generator then throws an AbortError. A connection that breaks is an ApiError; a consumer that stops early
 * (abort, or breaking out of its loop) releases the connection.
 */
export async function* ndjsonLines(res: Response, signal: AbortSignal): AsyncGenerator<string, void, undefined> {
  if (!res.body) throw new ApiError(0, 'The node sent an empty reply')
  const reader = res.body.getReader()
  const decoder = new TextDecoder()
  const lines = new NdjsonLineSplitter()
  let finished = false
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>
      try {
        chunk = await reader.read()
      } catch (err) {
        if (isAbortError(err) || signal.aborted) throw err
        throw new ApiError(0, 'The connection to the node was lost')
      }
      const batch = chunk.done
        ? [...lines.push(decoder.decode()), ...lines.end()]
        : lines.push(decoder.decode(chunk.value, { stream: true }))
      yield* batch
      if (chunk.done) {
        finished = true
        return
      }
    }
  } finally {
    if (!finished) reader.cancel().catch(() => {})
  }
}
