// /api/auth/*: signing in and out with the node's password (cookie session).
import { request } from './http'
import type { AuthStatus, LoginResult } from './types'

/** POST /api/auth/login: sets the session cookie; a wrong password is an ApiError 401. */
export function login(username: string, password: string): Promise<LoginResult> {
  return request<LoginResult>('/api/auth/login', { method: 'POST', body: { username, password } })
}

/** POST /api/auth/logout: clears the session cookie. */
export function logout(): Promise<void> {
  return request<void>('/api/auth/logout', { method: 'POST' })
}

/** GET /api/auth/status: whether this browser is signed in, and as whom. */
export function getAuthStatus(signal?: AbortSignal): Promise<AuthStatus> {
  return request<AuthStatus>('/api/auth/status', { signal })
}
