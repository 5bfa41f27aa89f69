// /api/me/preferences: what the signed-in user chose for themselves, kept by the node (so it follows them to any browser).
import { request } from './http'
import type { UserPreferences } from './types'

/** GET /api/me/preferences. */
export function getPreferences(signal?: AbortSignal): Promise<UserPreferences> {
  return request<UserPreferences>('/api/me/preferences', { signal })
}

/** PUT /api/me/preferences: `default_model` null clears it; answers what is now saved. */
export function savePreferences(preferences: UserPreferences): Promise<UserPreferences> {
  return request<UserPreferences>('/api/me/preferences', { method: 'PUT', body: preferences })
}
