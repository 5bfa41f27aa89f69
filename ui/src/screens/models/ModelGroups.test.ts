import { describe, expect, it } from 'vitest'
import type { ModelEntry } from '../../api/types'
import { describe as describeModel, groupByName } from './ModelGroups'

const entry = (name: string, digest: string, family = 'llama', parameter_size = '8B', quantization_level = 'Q4_0'): ModelEntry => ({
  name,
  digest,
  size: 1,
  family,
  parameter_size,
  quantization_level,
  nodes: [],
})

describe('groupByName', () => {
  it('keeps the inventory order and puts entries of one name together', () => {
    const groups = groupByName([entry('a', '1'), entry('b', '1'), entry('b', '2')])

    expect(groups.map((g) => [g.name, g.entries.map((e) => e.digest)])).toEqual([
      ['a', ['1']],
      ['b', ['1', '2']],
    ])
  })
})

describe('describe', () => {
  it('joins what is known, leaving out empty parts', () => {
    expect(describeModel(entry('a', '1'))).toBe('llama · 8B · Q4_0')
    expect(describeModel(entry('a', '1', '', '7B', ''))).toBe('7B')
  })
})
