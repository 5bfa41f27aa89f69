import { describe, expect, it } from 'vitest'
import type { Finding } from '../api/types'
import { sortFindings, splitFindings, summarizeFindings } from './diagnostics'

const f = (level: Finding['level'], code: string): Finding => ({ level, code, message: code, fix: null })

describe('sortFindings', () => {
  it('puts errors, then warnings, then notes, then what is fine, keeping the order within a level', () => {
    const sorted = sortFindings([f('ok', 'a'), f('info', 'b'), f('error', 'c'), f('warning', 'd'), f('error', 'e'), f('ok', 'g')])
    expect(sorted.map((x) => x.code)).toEqual(['c', 'e', 'd', 'b', 'a', 'g'])
  })
})

describe('splitFindings', () => {
  it('keeps ok findings apart from those that need reading', () => {
    const { attention, passed } = splitFindings([f('ok', 'port'), f('warning', 'no_peers'), f('info', 'firewall')])
    expect(attention.map((x) => x.code)).toEqual(['no_peers', 'firewall'])
    expect(passed.map((x) => x.code)).toEqual(['port'])
  })
})

describe('summarizeFindings', () => {
  it.each([
    [[], 'No problems found'],
    [[f('ok', 'a'), f('info', 'b')], 'No problems found'],
    [[f('error', 'a')], '1 problem: 1 error'],
    [[f('error', 'a'), f('warning', 'b'), f('warning', 'c')], '3 problems: 1 error, 2 warnings'],
    [[f('warning', 'a')], '1 problem: 1 warning'],
  ])('%j → %s', (findings, expected) => {
    expect(summarizeFindings(findings)).toBe(expected)
  })
})
