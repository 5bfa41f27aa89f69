import { describe, expect, it } from 'vitest'
import type { SharedFile } from '../../api/types'
import { matchingFiles, oneFile, pastedFiles } from './attachments'
import { escapeStops } from './useEscapeToStop'

function shared(name: string, fields: Partial<SharedFile> = {}): SharedFile {
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

const text = (name: string) => new File(['x'], name, { type: 'text/plain' })

describe('pastedFiles', () => {
  it('takes a pasted screenshot or a copied file', () => {
    const png = new File(['png'], 'image.png', { type: 'image/png' })
    expect(pastedFiles(['Files'], [png])).toEqual([png])
    expect(pastedFiles(['Files', 'text/plain', 'text/uri-list'], [png])).toEqual([png])
  })

  it('leaves plain text and rich text (which may carry a picture of itself) to the text box', () => {
    expect(pastedFiles(['text/plain'], [])).toEqual([])
    expect(pastedFiles(['text/plain', 'text/html', 'Files'], [new File(['png'], 'image.png')])).toEqual([])
  })
})

describe('oneFile', () => {
  it('attaches a single file without a note', () => {
    const a = text('a.txt')
    expect(oneFile([a])).toEqual({ file: a, note: null })
  })

  it('attaches the first of several and says the others were left out', () => {
    const a = text('a.txt')
    expect(oneFile([a, text('b.txt')])).toEqual({ file: a, note: 'One file goes with a question: attaching a.txt, not the other one.' })
    expect(oneFile([a, text('b.txt'), text('c.txt')]).note).toBe('One file goes with a question: attaching a.txt, not the other 2.')
  })

  it('has nothing to attach for no files', () => {
    expect(oneFile([])).toEqual({ file: null, note: null })
  })
})

describe('matchingFiles', () => {
  const files = [
    shared('zeta.txt', { local: true }),
    shared('notes.md', { origin: { node_id: 'a'.repeat(64), name: 'gpu-box' } }),
    shared('Alpha notes.pdf', { origin: { node_id: 'b'.repeat(64), name: 'laptop' }, available: false }),
    shared('beta.csv', { origin: { node_id: 'c'.repeat(64), name: 'laptop' } }),
  ]
  const names = (list: SharedFile[]) => list.map((f) => f.name)

  it('lists readable files first, then by name', () => {
    expect(names(matchingFiles(files, ''))).toEqual(['beta.csv', 'notes.md', 'zeta.txt', 'Alpha notes.pdf'])
  })

  it('matches the file name, ignoring case', () => {
    expect(names(matchingFiles(files, '  NOTES '))).toEqual(['notes.md', 'Alpha notes.pdf'])
  })

  it('matches the holding node, including "this node"', () => {
    expect(names(matchingFiles(files, 'laptop'))).toEqual(['beta.csv', 'Alpha notes.pdf'])
    expect(names(matchingFiles(files, 'this node'))).toEqual(['zeta.txt'])
  })

  it('finds nothing for an unknown word', () => {
    expect(matchingFiles(files, 'quarterly')).toEqual([])
  })
})

describe('escapeStops', () => {
  const key = (k: string, fields: Partial<{ defaultPrevented: boolean; isComposing: boolean }> = {}) => ({
    key: k,
    defaultPrevented: false,
    isComposing: false,
    ...fields,
  })

  it('stops on a plain Escape', () => {
    expect(escapeStops(key('Escape'), false)).toBe(true)
  })

  it('leaves Escape to an open dialog, a menu that used it, and an IME composition', () => {
    expect(escapeStops(key('Escape'), true)).toBe(false)
    expect(escapeStops(key('Escape', { defaultPrevented: true }), false)).toBe(false)
    expect(escapeStops(key('Escape', { isComposing: true }), false)).toBe(false)
  })

  it('ignores other keys', () => {
    expect(escapeStops(key('Enter'), false)).toBe(false)
  })
})
