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
