import { describe, expect, it } from 'vitest'
import { hitsByNode, snippetParts } from './search'
import type { SearchHit } from './types'

const hit = (node_id: string, file: string): SearchHit => ({
  node_id,
  node: node_id.toUpperCase(),
  file,
  snippet: '',
  score: 0,
  download_url: `/api/files/${file}`,
})

describe('snippetParts', () => {
  it('splits a snippet into plain and marked pieces', () => {
    expect(snippetParts('Customer <mark>churn</mark> fell, <mark>churn</mark>!')).toEqual([
      { text: 'Customer ', mark: false },
      { text: 'churn', mark: true },
      { text: ' fell, ', mark: false },
      { text: 'churn', mark: true },
      { text: '!', mark: false },
    ])
  })

  it('keeps other markup as text, never as HTML', () => {
    expect(snippetParts('<b>bold</b> & <mark>x</mark>')).toEqual([
      { text: '<b>bold</b> & ', mark: false },
      { text: 'x', mark: true },
    ])
  })
})

describe('hitsByNode', () => {
  it('groups hits by node in the order of each node’s best hit', () => {
    const groups = hitsByNode([hit('b', '1.txt'), hit('a', '2.txt'), hit('b', '3.txt')])
    expect(groups.map((g) => [g.node, g.hits.map((h) => h.file)])).toEqual([
      ['B', ['1.txt', '3.txt']],
      ['A', ['2.txt']],
    ])
  })
})
