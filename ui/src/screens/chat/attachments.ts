import type { SharedFile } from '../../api/types'
import { originLabel } from '../files/fileList'

/**
 * The files a paste carries as an attachment, or none when the paste is text. Rich text copied
 * from an office app (it has `text/html`) often carries a picture of itself too: that paste is
 * text. A screenshot, or a file copied in the file manager, is a file.
 */
export function pastedFiles(types: readonly string[], files: readonly File[]): File[] {
  if (files.length === 0 || types.includes('text/html')) return []
  return [...files]
}

/**
 * The one file to attach out of those chosen, dropped or pasted (a question carries a single
 * file), and a note for the user when some were left out; null file when there is none.
 */
export function oneFile(files: readonly File[]): { file: File | null; note: string | null } {
  const [file] = files
  if (!file) return { file: null, note: null }
  const left = files.length - 1
  return {
    file,
    note: left > 0 ? `One file goes with a question: attaching ${file.name}, not the other ${left === 1 ? 'one' : left}.` : null,
  }
}

/**
 * The shared files whose name or holding node contains `query` (case-insensitive), files that
 * can be read first, then by name.
 */
export function matchingFiles(files: readonly SharedFile[], query: string): SharedFile[] {
  const needle = query.trim().toLocaleLowerCase()
  const matching = needle
    ? files.filter((f) => f.name.toLocaleLowerCase().includes(needle) || originLabel(f).toLocaleLowerCase().includes(needle))
    : [...files]
  return matching.sort(
    (a, b) => Number(b.available) - Number(a.available) || a.name.localeCompare(b.name) || originLabel(a).localeCompare(originLabel(b)),
  )
}
