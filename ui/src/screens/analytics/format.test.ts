import { describe, expect, it } from 'vitest'
import { bucketLabel, formatCount, formatLatency, formatRate, formatSize, tickFormatter } from './format'

// The test workers run in UTC with the en-US locale (vitest.config.ts).
const T = Date.parse('2026-11-26T14:05:00Z')

describe('formatCount', () => {
  it('groups thousands, and shortens only from 10,000 when asked', () => {
    expect(formatCount(1234)).toBe('1,234')
    expect(formatCount(1234, true)).toBe('1,234')
    expect(formatCount(1_234_567)).toBe('1,234,567')
    expect(formatCount(1_234_567, true)).toBe('1.2M')
    expect(formatCount(-25_000, true)).toBe('-25K')
    expect(formatCount(2.6)).toBe('3')
  })
})

describe('formatRate', () => {
  it('shows one decimal below 100 tokens/s and none above', () => {
    expect(formatRate(42.54)).toBe('42.5 tok/s')
    expect(formatRate(123.6)).toBe('124 tok/s')
  })

  it('is a dash when nothing was measured', () => {
    expect(formatRate(0, 0)).toBe('—')
    expect(formatRate(Number.NaN)).toBe('—')
  })
})

describe('formatLatency', () => {
  it.each([
    [0.44, '0.4 ms'],
    [5, '5 ms'],
    [9.96, '10 ms'],
    [85.4, '85 ms'],
    [1234, '1.2 s'],
    [12_345, '12 s'],
  ])('%s ms is "%s"', (ms, text) => {
    expect(formatLatency(ms)).toBe(text)
  })

  it('is a dash when nothing was measured', () => {
    expect(formatLatency(12, 0)).toBe('—')
    expect(formatLatency(Number.POSITIVE_INFINITY)).toBe('—')
  })
})

describe('formatSize', () => {
  it.each([
    [0, '0 B'],
    [-5, '0 B'],
    [Number.NaN, '0 B'],
    [511.6, '512 B'],
    [3.4 * 1024, '3.4 KB'],
    [12 * 1024 ** 2, '12 MB'],
    [1.5 * 1024 ** 3, '1.5 GB'],
  ])('%s bytes is "%s"', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text)
  })
})

describe('tickFormatter', () => {
  it('is as fine as the buckets', () => {
    expect(tickFormatter(300)(T)).toBe('02:05 PM')
    expect(tickFormatter(3600)(T)).toBe('Thu 02:05 PM')
    expect(tickFormatter(86400)(T)).toBe('Nov 26')
  })
})

describe('bucketLabel', () => {
  it('gives the start and the end of a bucket; the end is a time within a day', () => {
    expect(bucketLabel(T, 900)).toBe('Nov 26, 2026, 2:05 PM – 02:20 PM')
  })

  it('gives the end as a full date for day-long buckets', () => {
    expect(bucketLabel(Date.parse('2026-11-26T00:00:00Z'), 86400)).toBe('Nov 26, 2026, 12:00 AM – Nov 27, 2026, 12:00 AM')
  })
})
