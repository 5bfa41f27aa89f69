import { describe, expect, it } from 'vitest'
import { activePath, branchPosition, newestLeafUnder, siblingsOf, switchBranch, type ThreadNode } from './thread'

const n = (id: string, parentId: string | null): ThreadNode => ({ id, parentId })

// a ─ b ─ c          (asked first)
//   └ b2 ─ c2        (b edited: a fork after a)
//        └ c3        (c2 regenerated)
const tree = [n('a', null), n('b', 'a'), n('c', 'b'), n('b2', 'a'), n('c2', 'b2'), n('c3', 'b2')]
const ids = (nodes: ThreadNode[]) => nodes.map((x) => x.id)

describe('activePath', () => {
  it('follows parents from the leaf to the root', () => {
    expect(ids(activePath(tree, 'c'))).toEqual(['a', 'b', 'c'])
    expect(ids(activePath(tree, 'c2'))).toEqual(['a', 'b2', 'c2'])
  })

  it('shows the newest exchange when no leaf (or an unknown one) is chosen', () => {
    expect(ids(activePath(tree, null))).toEqual(['a', 'b2', 'c3'])
    expect(ids(activePath(tree, 'gone'))).toEqual(['a', 'b2', 'c3'])
  })

  it('is empty for an empty conversation and survives a cycle', () => {
    expect(activePath([], null)).toEqual([])
    expect(ids(activePath([n('x', 'y'), n('y', 'x')], 'x'))).toEqual(['y', 'x'])
  })

  it('keeps a second root (an edited first question) as its own branch', () => {
    const nodes = [...tree, n('a2', null)]
    expect(ids(activePath(nodes, null))).toEqual(['a2'])
    expect(ids(activePath(nodes, 'c'))).toEqual(['a', 'b', 'c'])
  })
})

describe('siblings and switching', () => {
  it('counts the alternatives at a fork', () => {
    expect(ids(siblingsOf(tree, n('b2', 'a')))).toEqual(['b', 'b2'])
    expect(branchPosition(tree, n('b2', 'a'))).toEqual({ index: 1, count: 2 })
    expect(branchPosition(tree, n('a', null))).toEqual({ index: 0, count: 1 })
  })

  it('moves to the newest leaf of the sibling branch', () => {
    expect(switchBranch(tree, n('b2', 'a'), -1)).toBe('c')
    expect(switchBranch(tree, n('b', 'a'), 1)).toBe('c3')
    expect(switchBranch(tree, n('c2', 'b2'), 1)).toBe('c3')
  })

  it('returns null past either end', () => {
    expect(switchBranch(tree, n('b', 'a'), -1)).toBeNull()
    expect(switchBranch(tree, n('b2', 'a'), 1)).toBeNull()
  })

  it('finds the newest leaf under a node, or the node itself when it has none', () => {
    expect(newestLeafUnder(tree, 'a')).toBe('c3')
    expect(newestLeafUnder(tree, 'b')).toBe('c')
    expect(newestLeafUnder(tree, 'c')).toBe('c')
  })
})
