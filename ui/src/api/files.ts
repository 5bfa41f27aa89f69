// Shared files: the mesh's listing (/api/files), deleting and pinning this node's own files, and
// uploading with progress (/api/upload).
import { ApiError, errorMessageOf, parseRetryAfter, reportUnauthorized, request, unexpectedResponse } from './http'
import type { FileNode, PinResult, SharedFile, UploadedFile } from './types'

/** Path of a shared file's own resource, e.g. `/api/files/my%20notes.txt`. */
export function filePath(name: string): string {
  return `/api/files/${encodeURIComponent(name)}`
}

function fileNode(value: unknown): FileNode | null {
  if (!value || typeof value !== 'object') return null
  const v = value as Record<string, unknown>
  if (typeof v.node_id !== 'string') return null
  return {
    node_id: v.node_id,
    name: typeof v.name === 'string' ? v.name : '',
    address: typeof v.address === 'string' ? v.address : undefined,
  }
}

/**
 * One element of GET /api/files as the screens expect it: missing or mistyped fields get their
 * defaults; an entry without a name is dropped (null).
 */
export function normaliseFile(value: unknown): SharedFile | null {
  if (!value || typeof value !== 'object') return null
  const v = value as Record<string, unknown>
  if (typeof v.name !== 'string' || v.name === '') return null
  const str = (x: unknown) => (typeof x === 'string' && x !== '' ? x : null)
  return {
    name: v.name,
    size: typeof v.size === 'number' && Number.isFinite(v.size) ? v.size : null,
    sha256: str(v.sha256),
    content_type: str(v.content_type),
    modified: str(v.modified),
    origin: fileNode(v.origin),
    local: v.local === true,
    pinned: v.pinned === true,
    available: v.available !== false,
    available_from: Array.isArray(v.available_from)
      ? v.available_from.map(fileNode).filter((n): n is FileNode => n != null)
      : [],
    replicas: Array.isArray(v.replicas) ? v.replicas.filter((id): id is string => typeof id === 'string') : [],
    download_url: str(v.download_url) ?? filePath(v.name),
  }
}

/** GET /api/files: the mesh's shared files; empty when there are none or the node does not offer the endpoint (404). */
export async function getFiles(signal?: AbortSignal): Promise<SharedFile[]> {
  try {
    const data = await request<{ files?: unknown }>('/api/files', { signal })
    if (!data || !Array.isArray(data.files)) throw unexpectedResponse()
    return data.files.map(normaliseFile).filter((f): f is SharedFile => f != null)
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return []
    throw err
  }
}

/** DELETE /api/files/{name}: stop sharing one of this node's files (204). */
export function deleteFile(name: string): Promise<void> {
  return request<void>(filePath(name), { method: 'DELETE' })
}

/** POST (pin) or DELETE (unpin) /api/files/{name}/pin. */
export function setFilePinned(name: string, pinned: boolean): Promise<PinResult> {
  return request<PinResult>(`${filePath(name)}/pin`, pinned ? { method: 'POST', body: {} } : { method: 'DELETE' })
}

/** An upload in flight: settles with the stored file, an ApiError, or an AbortError after `abort()`. */
export interface Upload {
  result: Promise<UploadedFile>
  abort: () => void
}

/** Upload progress: bytes of the request body sent so far, of `total`. `done` once the body is sent (the node is still storing it). */
export type UploadProgress = (sent: number, total: number, done: boolean) => void

/**
 * POST /api/upload (multipart field `file`). XMLHttpRequest rather than fetch, because only XHR
 * reports upload progress.
 */
export function uploadFile(file: File, onProgress?: UploadProgress): Upload {
  const path = '/api/upload'
  const xhr = new XMLHttpRequest()
  const result = new Promise<UploadedFile>((resolve, reject) => {
    xhr.open('POST', path)
    xhr.responseType = 'text'
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size, false)
    xhr.upload.onload = () => onProgress?.(1, 1, true)
    xhr.onabort = () => reject(new DOMException('The upload was cancelled', 'AbortError'))
    xhr.onerror = () => reject(new ApiError(0, 'The upload was interrupted: the connection to the node was lost'))
    xhr.onload = () => {
      let data: unknown = null
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null
      } catch {
        // not JSON: handled below
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        if (data && typeof data === 'object' && typeof (data as UploadedFile).name === 'string') resolve(data as UploadedFile)
        else reject(unexpectedResponse(xhr.status))
        return
      }
      const message = errorMessageOf(data) ?? (xhr.statusText || `Upload failed (${xhr.status})`)
      if (xhr.status === 401) reportUnauthorized(path)
      reject(new ApiError(xhr.status, message, parseRetryAfter(xhr.getResponseHeader('Retry-After'))))
    }
    const form = new FormData()
    form.append('file', file, file.name)
    xhr.send(form)
  })
  return { result, abort: () => xhr.abort() }
}
