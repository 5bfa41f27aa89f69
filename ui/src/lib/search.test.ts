import { describe, expect, it } from 'vitest'
import { matchSegments } from './search'

describe('matchSegments', () => {
  it('marks every match, ignoring case, and keeps the text as written', () => {
    expect(matchSegments('Pears and PEARS', 'pears')).toEqual([
      { text: 'Pears', match: true },
      { text: ' and ', match: false },
      { text: 'PEARS', match: true },
    ])
  })

  it('returns the whole text unmarked without a match or a query', () => {
    expect(matchSegments('apples', 'kiwi')).toEqual([{ text: 'apples', match: false }])
    expect(matchSegments('apples', '  ')).toEqual([{ text: 'apples', match: false }])
    expect(matchSegments('', 'x')).toEqual([])
  })

  it('treats the query literally (no pattern characters)', () => {
    expect(matchSegments('100% sure (really)', '% sure (')).toEqual([
      { text: '100', match: false },
      { text: '% sure (', match: true },
      { text: 'really)', match: false },
    ])
  })
})
