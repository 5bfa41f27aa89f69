import { afterEach, describe, expect, it, vi } from 'vitest'
import { filePath, getFiles, normaliseFile } from './files'

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('filePath', () => {
  it('escapes the name into one path segment', () => {
    expect(filePath('my notes #1/2.txt')).toBe('/api/files/my%20notes%20%231%2F2.txt')
  })
})

describe('normaliseFile', () => {
  it('keeps an entry as the node sends it', () => {
    const entry = {
      name: 'notes.md',
      size: 2048,
      sha256: 'ab'.repeat(32),
      content_type: 'text/markdown',
      modified: '2026-11-26T12:00:00+00:00',
      origin: { node_id: 'n1', name: 'laptop', address: '127.0.0.2:8080' },
      local: false,
      pinned: true,
      available: true,
      available_from: [{ node_id: 'n1', name: 'laptop' }],
      replicas: ['n2'],
      download_url: '/api/peers/n1/files/notes.md',
    }
    expect(normaliseFile(entry)).toEqual({ ...entry, available_from: [{ node_id: 'n1', name: 'laptop', address: undefined }] })
  })

  it('gives missing fields their defaults', () => {
    expect(normaliseFile({ name: 'a b.txt' })).toEqual({
      name: 'a b.txt',
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
      download_url: '/api/files/a%20b.txt',
    })
  })

  it('drops mistyped values instead of passing them on', () => {
    const file = normaliseFile({
      name: 'x',
      size: 'big',
      local: 'yes',
      available: false,
      origin: { name: 'no id' },
      available_from: [null, { node_id: 'n3' }],
      replicas: ['n2', 7],
    })
    expect(file).toMatchObject({
      size: null,
      local: false,
      available: false,
      origin: null,
      available_from: [{ node_id: 'n3', name: '' }],
      replicas: ['n2'],
    })
  })

  it('drops an entry without a name', () => {
    expect(normaliseFile({ size: 1 })).toBeNull()
    expect(normaliseFile({ name: '' })).toBeNull()
    expect(normaliseFile('notes.md')).toBeNull()
  })
})

describe('getFiles', () => {
  it('normalises the listing and leaves out unusable entries', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Response.json({ files: [{ name: 'a' }, { size: 3 }, { name: 'b', pinned: true }] })))
    const files = await getFiles()
    expect(files.map((f) => [f.name, f.pinned])).toEqual([
      ['a', false],
      ['b', true],
    ])
  })

  it('is empty when the node has no file endpoint (404)', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Response.json({ error: 'Not found' }, { status: 404 })))
    await expect(getFiles()).resolves.toEqual([])
  })

  it('fails on a body that is not a listing', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Response.json({ items: [] })))
    await expect(getFiles()).rejects.toMatchObject({ status: 500, message: 'Unexpected response from the node' })
  })
})
