// Transport for the node's JSON API: same origin, cookie auth, `{"error": "..."}` bodies on failure.
// Every feature module (auth.ts, peers.ts, chat.ts, …) goes through here, so errors and the
// "session expired" signal look the same everywhere.

/** Error thrown for any non-2xx response (or a network failure, status 0). */
export class ApiError extends Error {
  readonly status: number
  /** Seconds from the Retry-After header, when the server sent one. */
  readonly retryAfter: number | null
  /** The body's `reason` code, for endpoints that send one (POST /api/chat: `no_llm`, `unknown_model`, …). */
  readonly reason: string | null

  constructor(status: number, message: string, retryAfter: number | null = null, reason: string | null = null) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.retryAfter = retryAfter
    this.reason = reason
  }
}

/** The error for a 2xx answer whose body is not the shape the endpoint promises. */
export function unexpectedResponse(status = 500): ApiError {
  return new ApiError(status, 'Unexpected response from the node')
}

/** True for the DOMException fetch throws when its AbortSignal fires. */
export function isAbortError(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError'
}

type UnauthorizedHandler = () => void
let unauthorizedHandler: UnauthorizedHandler | null = null

/** Registers the callback run when a non-auth endpoint answers 401. Returns an unregister function. */
export function onUnauthorized(handler: UnauthorizedHandler): () => void {
  unauthorizedHandler = handler
  return () => {
    if (unauthorizedHandler === handler) unauthorizedHandler = null
  }
}

/**
 * Reports a 401 from `path` to the registered handler. The auth endpoints are left out: a wrong
 * password or an anonymous status check is not an expired session.
 */
export function reportUnauthorized(path: string): void {
  if (!path.startsWith('/api/auth/')) unauthorizedHandler?.()
}

/** Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null
  const secs = Number(value)
  if (Number.isFinite(secs)) return Math.max(0, Math.ceil(secs))
  const date = Date.parse(value)
  if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - now) / 1000))
  return null
}

/** The `error` string of a parsed `{"error": "..."}` body, if it is one. */
export function errorMessageOf(data: unknown): string | null {
  return data && typeof data === 'object' && 'error' in data && typeof data.error === 'string' ? data.error : null
}

/** Reads a failed response's `{"error": "..."}` body into an ApiError (and reports a 401 on a non-auth path). */
async function errorFromResponse(res: Response, path: string): Promise<ApiError> {
  let message = res.statusText || `Request failed (${res.status})`
  let reason: string | null = null
  try {
    const data: unknown = await res.json()
    message = errorMessageOf(data) ?? message
    if (data && typeof data === 'object' && 'reason' in data && typeof data.reason === 'string') reason = data.reason
  } catch {
    // body was not JSON; keep the status text
  }
  if (res.status === 401) reportUnauthorized(path)
  return new ApiError(res.status, message, parseRetryAfter(res.headers.get('Retry-After')), reason)
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface RequestOptions {
  method?: HttpMethod
  /** Sent as JSON. */
  body?: unknown
  signal?: AbortSignal
  /** Accept header; JSON unless the caller reads something else (the chat stream). */
  accept?: string
  /** Let the request finish after the page is gone (a delayed delete sent on pagehide). */
  keepalive?: boolean
}

/**
 * Sends a request and returns the 2xx response unread. A network failure is an ApiError with
 * status 0, a non-2xx answer an ApiError with the server's message; an abort stays an AbortError.
 */
export async function send(path: string, options: RequestOptions = {}): Promise<Response> {
  const { method = 'GET', body, signal, accept = 'application/json', keepalive } = options
  const headers: Record<string, string> = { Accept: accept }
  if (body !== undefined) headers['Content-Type'] = 'application/json'

  let res: Response
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
      keepalive,
    })
  } catch (err) {
    if (isAbortError(err)) throw err
    throw new ApiError(0, 'Could not reach the node')
  }
  if (!res.ok) throw await errorFromResponse(res, path)
  return res
}

/** Sends a request and parses its JSON answer (undefined for 204 or an empty body). */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await send(path, options)
  if (res.status === 204) return undefined as T
  const text = await res.text()
  return (text ? JSON.parse(text) : undefined) as T
}
