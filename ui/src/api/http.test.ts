import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, onUnauthorized, parseRetryAfter, request } from './http'

function stubFetch(response: () => Response) {
  const fetch = vi.fn(async () => response())
  vi.stubGlobal('fetch', fetch)
  return fetch
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-26T12:00:00Z')

  it('reads delta-seconds, rounding up and never below 0', () => {
    expect(parseRetryAfter('7', now)).toBe(7)
    expect(parseRetryAfter('1.2', now)).toBe(2)
    expect(parseRetryAfter('-3', now)).toBe(0)
  })

  it('reads an HTTP date against the given clock', () => {
    expect(parseRetryAfter('Thu, 26 Nov 2026 12:00:30 GMT', now)).toBe(30)
    expect(parseRetryAfter('Thu, 26 Nov 2026 11:00:00 GMT', now)).toBe(0)
  })

  it('is null when absent or unreadable', () => {
    expect(parseRetryAfter(null, now)).toBeNull()
    expect(parseRetryAfter('', now)).toBeNull()
    expect(parseRetryAfter('soon', now)).toBeNull()
  })
})

describe('request', () => {
  it('sends JSON with the session cookie and parses the answer', async () => {
    const fetch = stubFetch(() => Response.json({ ok: true }))
    await expect(request('/api/things', { method: 'POST', body: { a: 1 } })).resolves.toEqual({ ok: true })
    const [path, init] = fetch.mock.calls[0] as unknown as [string, RequestInit]
    expect(path).toBe('/api/things')
    expect(init).toMatchObject({ method: 'POST', body: '{"a":1}', credentials: 'same-origin' })
    expect(init.headers).toEqual({ Accept: 'application/json', 'Content-Type': 'application/json' })
  })

  it('is undefined for 204 No Content', async () => {
    stubFetch(() => new Response(null, { status: 204 }))
    await expect(request('/api/files/a', { method: 'DELETE' })).resolves.toBeUndefined()
  })

  it('throws the {"error"} message of a failed answer', async () => {
    stubFetch(() => Response.json({ error: 'File not found' }, { status: 404, statusText: 'Not Found' }))
    const err = await request('/api/files/a').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ status: 404, message: 'File not found', retryAfter: null })
  })

  it('falls back to the status text when the body is not JSON', async () => {
    stubFetch(() => new Response('<html>oops</html>', { status: 502, statusText: 'Bad Gateway' }))
    await expect(request('/api/status')).rejects.toMatchObject({ status: 502, message: 'Bad Gateway' })
  })

  it('reports a 401 as an expired session, except from the auth endpoints', async () => {
    const expired = vi.fn()
    const unregister = onUnauthorized(expired)
    stubFetch(() => Response.json({ error: 'Wrong password' }, { status: 401 }))

    await expect(request('/api/auth/login', { method: 'POST', body: {} })).rejects.toMatchObject({ status: 401 })
    expect(expired).not.toHaveBeenCalled()

    await expect(request('/api/peers')).rejects.toMatchObject({ status: 401 })
    expect(expired).toHaveBeenCalledOnce()

    unregister()
    await expect(request('/api/peers')).rejects.toMatchObject({ status: 401 })
    expect(expired).toHaveBeenCalledOnce()
  })
})
