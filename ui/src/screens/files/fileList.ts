import type { SharedFile } from '../../api/types'
import { peerDisplayName } from '../../lib/format'

export type SortKey = 'name' | 'origin' | 'size' | 'type' | 'date'
export type SortDirection = 'asc' | 'desc'

export interface FileSort {
  key: SortKey
  direction: SortDirection
}

/** Direction a key starts with when chosen: names, origins and types A→Z, sizes and dates largest/newest first. */
export const DEFAULT_DIRECTION: Record<SortKey, SortDirection> = { name: 'asc', origin: 'asc', size: 'desc', type: 'asc', date: 'desc' }

export const SORT_LABELS: Record<SortKey, string> = { name: 'Name', origin: 'Origin', size: 'Size', type: 'Type', date: 'Modified' }

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true })

function sortValue(file: SharedFile, key: 'size' | 'date'): number | null {
  if (key === 'size') return file.size
  const t = file.modified ? Date.parse(file.modified) : Number.NaN
  return Number.isNaN(t) ? null : t
}

/** The text a file is sorted by for a text column: this node's files first by origin. */
function sortText(file: SharedFile, key: 'origin' | 'type'): string {
  return key === 'origin' ? (file.local ? '' : originLabel(file)) : fileTypeLabel(file.content_type, file.name)
}

/**
 * The files whose name contains `query` (case-insensitive), in `sort` order. Files without the
 * sorted value (no size, no date) come last either way; ties go by name.
 */
export function visibleFiles(files: SharedFile[], query: string, sort: FileSort): SharedFile[] {
  const needle = query.trim().toLocaleLowerCase()
  const matching = needle ? files.filter((f) => f.name.toLocaleLowerCase().includes(needle)) : [...files]
  const sign = sort.direction === 'asc' ? 1 : -1
  const byName = (a: SharedFile, b: SharedFile) => collator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  return matching.sort((a, b) => {
    if (sort.key === 'name') return sign * byName(a, b)
    if (sort.key === 'origin' || sort.key === 'type') {
      return sign * collator.compare(sortText(a, sort.key), sortText(b, sort.key)) || byName(a, b)
    }
    const va = sortValue(a, sort.key)
    const vb = sortValue(b, sort.key)
    if (va == null || vb == null) return va == null && vb == null ? byName(a, b) : va == null ? 1 : -1
    return sign * (va - vb) || byName(a, b)
  })
}

const TYPE_LABELS: Record<string, string> = {
  'application/pdf': 'PDF',
  'application/json': 'JSON',
  'application/zip': 'ZIP archive',
  'application/gzip': 'Gzip archive',
  'application/x-tar': 'Tar archive',
  'application/octet-stream': 'Binary',
  'application/msword': 'Word',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word',
  'application/vnd.ms-excel': 'Excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint',
  'text/plain': 'Text',
  'text/markdown': 'Markdown',
  'text/csv': 'CSV',
  'text/html': 'HTML',
}

/** A short type label for a MIME type: "PDF", "Image (PNG)", "Text"; the extension when there is no type. */
export function fileTypeLabel(contentType: string | null, name: string): string {
  const mime = contentType?.split(';')[0].trim().toLowerCase()
  if (!mime) {
    const dot = name.lastIndexOf('.')
    return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toUpperCase() : '—'
  }
  const known = TYPE_LABELS[mime]
  if (known) return known
  const [family, sub = ''] = mime.split('/')
  const short = sub.replace(/^(x-|vnd\.)/, '').split('+')[0].toUpperCase()
  if (family === 'image') return `Image (${short})`
  if (family === 'audio') return `Audio (${short})`
  if (family === 'video') return `Video (${short})`
  if (family === 'text') return `Text (${short})`
  return mime
}

/** "26 Nov 2026, 12:00" in the reader's locale; "—" if unparsable. */
export function formatModified(iso: string | null): string {
  const t = iso ? Date.parse(iso) : Number.NaN
  if (Number.isNaN(t)) return '—'
  return new Date(t).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

/** Who shared the file, for the Origin column: "this node" for our own files. */
export function originLabel(file: SharedFile): string {
  if (file.local) return 'this node'
  if (file.origin) return peerDisplayName(file.origin)
  const first = file.available_from[0]
  return first ? peerDisplayName(first) : 'unknown node'
}

/** The files of one node, for the list grouped by node. */
export interface FileGroup {
  /** The node's id; 'local' for this node's own files. */
  key: string
  /** "this node", or the node's name. */
  label: string
  local: boolean
  /** How many of the group's files can be downloaded now. */
  available: number
  files: SharedFile[]
}

/** The node a file is grouped under: this node for its own, else the node that shared it (its origin). */
function groupKey(file: SharedFile): string {
  if (file.local) return 'local'
  return file.origin?.node_id ?? file.available_from[0]?.node_id ?? 'unknown'
}

/**
 * `files` (already in display order) grouped by the node that shared them, each group keeping that
 * order: this node first, then the others by name.
 */
export function groupByNode(files: SharedFile[]): FileGroup[] {
  const groups = new Map<string, FileGroup>()
  for (const file of files) {
    const key = groupKey(file)
    let group = groups.get(key)
    if (!group) {
      group = { key, label: originLabel(file), local: file.local, available: 0, files: [] }
      groups.set(key, group)
    }
    group.files.push(file)
    if (file.available) group.available++
  }
  return [...groups.values()].sort(
    (a, b) => Number(b.local) - Number(a.local) || collator.compare(a.label, b.label) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  )
}
