import { describe, expect, it } from 'vitest'
import {
  formatAgo,
  formatBytes,
  formatMs,
  formatSecondsAgo,
  formatTimestamp,
  formatUptime,
  peerDisplayName,
} from './format'

const NOW = Date.parse('2026-11-26T12:00:00Z')

describe('formatUptime', () => {
  it.each([
    [0, '0s'],
    [42.9, '42s'],
    [192, '3m 12s'],
    [3600 * 2 + 5 * 60 + 9, '2h 5m 9s'],
    [86400 * 3 + 3600 * 4 + 60 * 10 + 59, '3d 4h 10m'],
    [-5, '0s'],
  ])('%s s is "%s"', (seconds, text) => {
    expect(formatUptime(seconds)).toBe(text)
  })
})

describe('formatSecondsAgo', () => {
  it.each([
    [0, '0 s ago'],
    [59.9, '59 s ago'],
    [60, '1 min ago'],
    [3599, '59 min ago'],
    [3600, '1 h ago'],
    [86399, '23 h ago'],
    [86400 * 4, '4 d ago'],
    [-30, '0 s ago'],
  ])('%s s is "%s"', (seconds, text) => {
    expect(formatSecondsAgo(seconds)).toBe(text)
  })
})

describe('formatAgo', () => {
  it('measures from the given clock, not the real one', () => {
    expect(formatAgo('2026-11-26T11:57:00Z', NOW)).toBe('3 min ago')
    expect(formatAgo('2026-11-24T12:00:00+00:00', NOW)).toBe('2 d ago')
  })

  it('reads the offset of the timestamp', () => {
    expect(formatAgo('2026-11-26T13:00:00+02:00', NOW)).toBe('1 h ago')
  })

  it('clamps a timestamp in the future to now', () => {
    expect(formatAgo('2026-11-26T12:05:00Z', NOW)).toBe('0 s ago')
  })

  it.each([null, undefined, '', 'yesterday'])('is a dash for %j', (iso) => {
    expect(formatAgo(iso, NOW)).toBe('—')
  })
})

describe('formatTimestamp', () => {
  it('is the local date and time (UTC, en-US in the tests)', () => {
    expect(formatTimestamp('2026-11-26T12:00:00Z')).toBe('11/26/2026, 12:00:00 PM')
  })

  it('is undefined for a missing or unreadable timestamp', () => {
    expect(formatTimestamp(null)).toBeUndefined()
    expect(formatTimestamp('not a date')).toBeUndefined()
  })
})

describe('formatMs', () => {
  it.each([
    [849.6, '850 ms'],
    [999, '999 ms'],
    [1000, '1.0 s'],
    [1249, '1.2 s'],
    [14_400, '14 s'],
    [null, '—'],
    [undefined, '—'],
    [Number.NaN, '—'],
  ])('%s is "%s"', (ms, text) => {
    expect(formatMs(ms)).toBe(text)
  })
})

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [3.4 * 1024, '3.4 KB'],
    [12 * 1024 * 1024, '12 MB'],
    [5 * 1024 ** 3, '5.0 GB'],
    [2048 * 1024 ** 4, '2048 TB'],
    [-1, ''],
    [null, ''],
    [Number.POSITIVE_INFINITY, ''],
  ])('%s is "%s"', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})

describe('peerDisplayName', () => {
  const id = 'ab'.repeat(32)

  it('is the name, trimmed', () => {
    expect(peerDisplayName({ name: '  gpu-box ', node_id: id })).toBe('gpu-box')
  })

  it('falls back to the first 12 characters of the node id', () => {
    expect(peerDisplayName({ name: '   ', node_id: id })).toBe('abababababab')
    expect(peerDisplayName({ name: null, node_id: id })).toBe('abababababab')
    expect(peerDisplayName({ node_id: id })).toBe('abababababab')
  })
})
