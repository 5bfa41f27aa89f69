import { describe, expect, it } from 'vitest'
import { queuedText } from './queue'

describe('queuedText', () => {
  it('says next for the first place and an ordinal after it', () => {
    expect(queuedText(1)).toBe('Every host is busy — yours is next in line…')
    expect(queuedText(2)).toBe('Every host is busy — 2nd in line…')
    expect(queuedText(3)).toBe('Every host is busy — 3rd in line…')
    expect(queuedText(4)).toBe('Every host is busy — 4th in line…')
    expect(queuedText(11)).toBe('Every host is busy — 11th in line…')
    expect(queuedText(12)).toBe('Every host is busy — 12th in line…')
    expect(queuedText(21)).toBe('Every host is busy — 21st in line…')
    expect(queuedText(112)).toBe('Every host is busy — 112th in line…')
  })
})
