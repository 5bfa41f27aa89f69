import { describe, expect, it } from 'vitest'
import type { SharedFile } from '../../api/types'
import { fileTypeLabel, formatModified, groupByNode, originLabel, visibleFiles, type FileSort } from './fileList'

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

  it('sorts by origin (this node’s files first when ascending), ties by name A→Z in either direction', () => {
    const mine = file('z-mine.txt', { local: true, origin: { node_id: 'aa'.repeat(32), name: 'zz-me', address: '' } })
    const laptop = file('a.txt', { origin: { node_id: 'bb'.repeat(32), name: 'Laptop', address: '' } })
    const desk = file('b.txt', { origin: { node_id: 'cc'.repeat(32), name: 'desk', address: '' } })
    const desk2 = file('a2.txt', { origin: { node_id: 'cc'.repeat(32), name: 'desk', address: '' } })
    expect(names(visibleFiles([laptop, desk, mine, desk2], '', by('origin', 'asc')))).toEqual(['z-mine.txt', 'a2.txt', 'b.txt', 'a.txt'])
    expect(names(visibleFiles([laptop, desk, mine, desk2], '', by('origin', 'desc')))).toEqual(['a.txt', 'a2.txt', 'b.txt', 'z-mine.txt'])
  })

  it('sorts by the type shown, ties by name A→Z in either direction', () => {
    const typed = [
      file('b.pdf', { content_type: 'application/pdf' }),
      file('c.csv', { content_type: 'text/csv' }),
      file('a.pdf', { content_type: 'application/pdf' }),
      file('d.png', { content_type: 'image/png' }),
    ]
    expect(names(visibleFiles(typed, '', by('type', 'asc')))).toEqual(['c.csv', 'd.png', 'a.pdf', 'b.pdf'])
    expect(names(visibleFiles(typed, '', by('type', 'desc')))).toEqual(['a.pdf', 'b.pdf', 'd.png', 'c.csv'])
  })

  it('does not reorder the caller’s array', () => {
    const copy = [...files]
    visibleFiles(files, '', by('size', 'asc'))
    expect(files).toEqual(copy)
  })
})

describe('groupByNode', () => {
  const a = 'aa'.repeat(32)
  const b = 'bb'.repeat(32)
  const files = [
    file('x.txt', { origin: { node_id: b, name: 'bravo', address: '' }, available: false }),
    file('y.txt', { local: true, origin: { node_id: 'ff'.repeat(32), name: 'me', address: '' } }),
    file('w.txt', { origin: { node_id: a, name: 'Alpha', address: '' } }),
    file('v.txt', { origin: { node_id: b, name: 'bravo', address: '' }, available: false }),
    file('u.txt', { origin: { node_id: a, name: 'Alpha', address: '' }, available: false }),
  ]

  it('puts this node’s files first, then each node’s by name, keeping the order given within a group', () => {
    const groups = groupByNode(files)
    expect(groups.map((g) => [g.key, g.label, names(g.files)])).toEqual([
      ['local', 'this node', ['y.txt']],
      [a, 'Alpha', ['w.txt', 'u.txt']],
      [b, 'bravo', ['x.txt', 'v.txt']],
    ])
  })

  it('counts the files of each node that can be downloaded now', () => {
    expect(groupByNode(files).map((g) => [g.label, g.available, g.files.length])).toEqual([
      ['this node', 1, 1],
      ['Alpha', 1, 2],
      ['bravo', 0, 2],
    ])
  })

  it('groups a file with no origin under the first node holding it', () => {
    const held = file('h.txt', { available_from: [{ node_id: b, name: 'bravo' }] })
    expect(groupByNode([held]).map((g) => [g.key, g.label])).toEqual([[b, 'bravo']])
    expect(groupByNode([])).toEqual([])
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
