// /api/settings, /api/keys and /api/auth/password: what the Settings screen changes.
import { request, unexpectedResponse } from './http'
import type { ApiKey, CreatedApiKey, NodeSettings, SettingsUpdate } from './types'

/** GET /api/settings. */
export function getSettings(signal?: AbortSignal): Promise<NodeSettings> {
  return request<NodeSettings>('/api/settings', { signal })
}

/** PUT /api/settings: saves for the next start; answers the settings as they now stand. */
export function saveSettings(update: SettingsUpdate): Promise<NodeSettings> {
  return request<NodeSettings>('/api/settings', { method: 'PUT', body: update })
}

/** GET /api/keys. */
export async function getApiKeys(signal?: AbortSignal): Promise<ApiKey[]> {
  const keys = await request<unknown>('/api/keys', { signal })
  if (!Array.isArray(keys)) throw unexpectedResponse()
  return keys as ApiKey[]
}

/** POST /api/keys: the answer carries the key, shown only this once. */
export function createApiKey(name: string): Promise<CreatedApiKey> {
  return request<CreatedApiKey>('/api/keys', { method: 'POST', body: { name } })
}

/** DELETE /api/keys/{id}: programs using the key are refused from now on. */
export function revokeApiKey(id: string): Promise<void> {
  return request<void>(`/api/keys/${encodeURIComponent(id)}`, { method: 'DELETE' })
}

/** POST /api/auth/password: 204, and every session (this one too) has ended. */
export function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  return request<void>('/api/auth/password', {
    method: 'POST',
    body: { current_password: currentPassword, new_password: newPassword },
  })
}
