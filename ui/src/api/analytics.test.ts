import { afterEach, describe, expect, it, vi } from 'vitest'
import { getChatAnalytics, getNetworkAnalytics, isRange } from './analytics'

function stubJson(body: unknown) {
  const fetch = vi.fn(async () => Response.json(body))
  vi.stubGlobal('fetch', fetch)
  return fetch
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('isRange', () => {
  it('accepts exactly the ranges the node knows', () => {
    expect(['1h', '6h', '24h', '7d', '30d'].every(isRange)).toBe(true)
    expect(isRange('2h')).toBe(false)
    expect(isRange(null)).toBe(false)
  })
})

describe('getChatAnalytics', () => {
  it('asks for the range and keeps what the node sends', async () => {
    const fetch = stubJson({
      range: '7d',
      from: 1,
      to: 2,
      bucket_seconds: 3600,
      total: 5,
      errors: 1,
      failovers: 0,
      by_model: [{ model: 'llama3', count: 5, errors: 1 }],
      by_host: [{ node_id: 'n1', name: 'gpu', local: true, count: 5 }],
      over_time: [{ t: 0, count: 5, errors: 1 }],
      ttft_ms: { count: 5, mean: 90, p50: 80, p95: 150, p99: 160, max: 170 },
      tokens_per_second: { count: 5, mean: 40, p50: 41, p95: 50, p99: 51, max: 52 },
      errors_by_reason: [{ reason: 'timeout', count: 1 }],
    })
    const chat = await getChatAnalytics('7d')
    expect(fetch.mock.calls[0] as unknown[]).toContain('/api/analytics/chat?range=7d')
    expect(chat.by_host).toEqual([{ node_id: 'n1', name: 'gpu', local: true, count: 5 }])
    expect(chat.ttft_ms.p95).toBe(150)
    expect(chat.errors_by_reason).toEqual([{ reason: 'timeout', count: 1 }])
  })

  it('fills what the node left out with zeros and empty lists', async () => {
    stubJson({ range: '24h', by_model: [{ model: 'x' }] })
    const chat = await getChatAnalytics('24h')
    expect(chat).toMatchObject({ range: '24h', from: 0, total: 0, by_host: [], over_time: [], errors_by_reason: [] })
    expect(chat.by_model).toEqual([{ model: 'x', count: 0, errors: 0 }])
    expect(chat.tokens_per_second).toEqual({ count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 })
  })
})

describe('getNetworkAnalytics', () => {
  it('normalises nested discovery counts and drops non-numbers', async () => {
    stubJson({ peers_now: '3', discovery: { sent: 4, dropped: [{ reason: 'bad mac', count: 2 }, 'junk'] } })
    const net = await getNetworkAnalytics('1h')
    expect(net.peers_now).toBe(0)
    expect(net.discovery).toEqual({ sent: 4, received: 0, dropped: [{ reason: 'bad mac', count: 2 }, { reason: '', count: 0 }] })
  })

  it('fails on a body that is not an object', async () => {
    stubJson(null)
    await expect(getNetworkAnalytics('1h')).rejects.toMatchObject({ status: 500 })
  })
})
