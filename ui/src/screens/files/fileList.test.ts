import { describe, expect, it } from 'vitest'
import type { SharedFile } from '../../api/types'
import { fileTypeLabel, formatModified, originLabel, visibleFiles, type FileSort } from './fileList'

function file(name: string, fields: Partial<SharedFile> = {}): SharedFile {
  return {
    name,
    size: null,
    sha256: null,
    content_type: null,
    modified: null,
    origin: null,
    local: false,
    pinned: false,
    available: true,
    available_from: [],
    replicas: [],
    download_url: `/api/files/${name}`,
    ...fields,
  }
}

const names = (files: SharedFile[]) => files.map((f) => f.name)

describe('visibleFiles', () => {
  const files = [
    file('report-10.pdf', { size: 300, modified: '2026-11-20T10:00:00Z' }),
    file('Report-9.pdf', { size: 100, modified: '2026-11-26T10:00:00+02:00' }),
    file('notes.txt', { size: 200 }),
    file('archive.zip', { modified: '2026-11-01T00:00:00Z' }),
    file('b.bin', { size: 100, modified: '2026-11-26T08:00:00Z' }),
  ]
  const by = (key: FileSort['key'], direction: FileSort['direction']): FileSort => ({ key, direction })

  it('sorts names A→Z ignoring case, with numbers in numeric order', () => {
    expect(names(visibleFiles(files, '', by('name', 'asc')))).toEqual([
      'archive.zip',
      'b.bin',
      'notes.txt',
      'Report-9.pdf',
      'report-10.pdf',
    ])
    expect(names(visibleFiles(files, '', by('name', 'desc')))[0]).toBe('report-10.pdf')
  })

  it('sorts by size, ties by name, files without a size last in either direction', () => {
    expect(names(visibleFiles(files, '', by('size', 'desc')))).toEqual([
      'report-10.pdf',
      'notes.txt',
      'b.bin',
      'Report-9.pdf',
      'archive.zip',
    ])
    expect(names(visibleFiles(files, '', by('size', 'asc')))).toEqual([
      'b.bin',
      'Report-9.pdf',
      'notes.txt',
      'report-10.pdf',
      'archive.zip',
    ])
  })

  it('sorts by the instant of the modification date, whatever its offset; undated last', () => {
    // 10:00+02:00 is 08:00Z: the same instant as b.bin, so the tie goes by name.
    expect(names(visibleFiles(files, '', by('date', 'desc')))).toEqual([
      'b.bin',
      'Report-9.pdf',
      'report-10.pdf',
      'archive.zip',
      'notes.txt',
    ])
    expect(names(visibleFiles(files, '', by('date', 'asc'))).at(-1)).toBe('notes.txt')
  })

  it('keeps the files whose name contains the query, ignoring case and surrounding spaces', () => {
    expect(names(visibleFiles(files, '  REPORT ', by('name', 'asc')))).toEqual(['Report-9.pdf', 'report-10.pdf'])
    expect(visibleFiles(files, 'nothing-matches', by('name', 'asc'))).toEqual([])
  })

  it('does not reorder the caller’s array', () => {
    const copy = [...files]
    visibleFiles(files, '', by('size', 'asc'))
    expect(files).toEqual(copy)
  })
})

describe('fileTypeLabel', () => {
  it.each([
    ['application/pdf', 'x', 'PDF'],
    ['text/plain; charset=utf-8', 'x', 'Text'],
    ['image/png', 'x', 'Image (PNG)'],
    ['image/svg+xml', 'x', 'Image (SVG)'],
    ['audio/x-wav', 'x', 'Audio (WAV)'],
    ['video/mp4', 'x', 'Video (MP4)'],
    ['text/x-python', 'x', 'Text (PYTHON)'],
    ['application/vnd.foo', 'x', 'application/vnd.foo'],
    [null, 'backup.tar.gz', 'GZ'],
    [null, 'README', '—'],
    [null, '.bashrc', '—'],
    [null, 'trailing.', '—'],
  ])('%s for %s is "%s"', (type, name, label) => {
    expect(fileTypeLabel(type, name)).toBe(label)
  })
})

describe('formatModified', () => {
  it('is a medium date and short time (UTC, en-US in the tests)', () => {
    expect(formatModified('2026-11-26T12:00:00Z')).toBe('Nov 26, 2026, 12:00 PM')
  })

  it('is a dash when unknown', () => {
    expect(formatModified(null)).toBe('—')
    expect(formatModified('garbage')).toBe('—')
  })
})

describe('originLabel', () => {
  const id = 'cd'.repeat(32)

  it('names this node, the origin, or the first node holding the file', () => {
    expect(originLabel(file('a', { local: true, origin: { node_id: id, name: 'me' } }))).toBe('this node')
    expect(originLabel(file('a', { origin: { node_id: id, name: 'laptop' } }))).toBe('laptop')
    expect(originLabel(file('a', { available_from: [{ node_id: id, name: '' }] }))).toBe('cdcdcdcdcdcd')
    expect(originLabel(file('a'))).toBe('unknown node')
  })
})
