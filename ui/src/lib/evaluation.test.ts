import { describe, expect, it } from 'vitest'
import type { EvaluationRun } from '../api/types'
import { currentRun, describeRun, parseDuration, progressPercent } from './evaluation'

function run(over: Partial<EvaluationRun> = {}): EvaluationRun {
  return {
    id: 'a1',
    state: 'running',
    duration_seconds: 30,
    started_at: '2026-01-01T00:00:00Z',
    ended_at: null,
    phase: 'load',
    elapsed_seconds: 0,
    total_seconds: 0,
    status: null,
    error: null,
    has_report: false,
    ...over,
  }
}

describe('parseDuration', () => {
  it('takes whole seconds within 10-300, spaces around them too', () => {
    expect(parseDuration('10')).toEqual({ seconds: 10 })
    expect(parseDuration(' 300 ')).toEqual({ seconds: 300 })
  })

  it('says what to type for anything else', () => {
    expect(parseDuration('9')).toEqual({ error: 'Choose 10 to 300 seconds' })
    expect(parseDuration('301')).toEqual({ error: 'Choose 10 to 300 seconds' })
    for (const text of ['', '12.5', '-20', '1e2', 'thirty']) {
      expect(parseDuration(text)).toEqual({ error: 'Type a whole number of seconds, 10 to 300' })
    }
  })
})

describe('progressPercent', () => {
  it('is 0 while eval prepares (no total yet), then its share of the idle and load phases', () => {
    expect(progressPercent(run({ phase: 'preparing' }))).toBe(0)
    expect(progressPercent(run({ elapsed_seconds: 9, total_seconds: 36 }))).toBe(25)
  })

  it('stays within 0-100, and a completed run is full', () => {
    expect(progressPercent(run({ elapsed_seconds: 50, total_seconds: 36 }))).toBe(100)
    expect(progressPercent(run({ state: 'completed', elapsed_seconds: 3, total_seconds: 36 }))).toBe(100)
    expect(progressPercent(run({ state: 'cancelled', elapsed_seconds: 9, total_seconds: 36 }))).toBe(25)
  })
})

describe('describeRun', () => {
  it('names the phase of a running evaluation', () => {
    expect(describeRun(run({ phase: 'idle' }))).toMatch(/^Idle phase/)
    expect(describeRun(run({ phase: 'load' }))).toMatch(/^Load phase/)
    expect(describeRun(run({ phase: 'starting' }))).toBe('Starting meshmind-lab…')
  })

  it("gives eval's own reason when a run failed or stopped early", () => {
    expect(describeRun(run({ state: 'failed', error: 'the node at http://127.0.0.1:1 did not accept the API key' }))).toBe(
      'Failed: the node at http://127.0.0.1:1 did not accept the API key',
    )
    expect(describeRun(run({ state: 'partial', error: 'no answer for 15 s' }))).toBe('Stopped early: no answer for 15 s')
    expect(describeRun(run({ state: 'cancelled' }))).toBe('Cancelled')
    expect(describeRun(run({ state: 'completed' }))).toBe('Completed')
  })
})

describe('currentRun', () => {
  it('shows the running run, else the newest', () => {
    const older = run({ id: 'old', state: 'completed' })
    const running = run({ id: 'now' })
    expect(currentRun([older, running])?.id).toBe('now')
    expect(currentRun([older, run({ id: 'older', state: 'failed' })])?.id).toBe('old')
    expect(currentRun([])).toBeNull()
    expect(currentRun(null)).toBeNull()
  })
})
