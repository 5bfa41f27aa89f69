import { describe, expect, it } from 'vitest'
import { cleanCode, formatRemaining, groupCode } from './invite'

describe('groupCode', () => {
  it('splits into groups of four', () => {
    expect(groupCode('ABCDEFGHJK')).toBe('ABCD EFGH JK')
  })

  it('reads back as the same code', () => {
    const code = '0123456789ABCDEFGHJKMNPQRSTVWXYZ0123'
    expect(cleanCode(groupCode(code))).toBe(code)
  })
})

describe('formatRemaining', () => {
  const now = Date.parse('2030-01-01T12:00:00Z')

  it('counts down minutes and seconds', () => {
    expect(formatRemaining('2030-01-01T12:10:00Z', now)).toBe('10:00')
    expect(formatRemaining('2030-01-01T12:00:05.2Z', now)).toBe('0:06')
  })

  it('is null once expired or unreadable', () => {
    expect(formatRemaining('2030-01-01T12:00:00Z', now)).toBeNull()
    expect(formatRemaining('not a date', now)).toBeNull()
  })
})

describe('cleanCode', () => {
  it('drops what chats and mails add, and capitalises', () => {
    expect(cleanCode(' abcd-efgh\n jk ')).toBe('ABCDEFGHJK')
  })
})
