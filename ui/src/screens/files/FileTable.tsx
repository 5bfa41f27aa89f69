import { useId, type ReactNode } from 'react'
import { Link } from 'react-router-dom'
import type { SharedFile } from '../../api/types'
import { formatBytes, formatTimestamp, peerDisplayName } from '../../lib/format'
import {
  ArrowDownIcon,
  ArrowUpIcon,
  ChatIcon,
  CloseIcon,
  DownloadIcon,
  FileIcon,
  PinIcon,
  SearchIcon,
  TrashIcon,
} from '../../components/Icons'
import { Spinner } from '../../components/Spinner'
import { SORT_LABELS, fileTypeLabel, formatModified, groupByNode, originLabel, type FileSort, type SortKey } from './fileList'

/**
 * Search box and sort controls above the file list.
 *
 * Test ids: `files-search` (filters by name as you type), `files-sort` (a <select> whose values
 * are name | origin | size | type | date; choosing one starts names, origins and types A→Z, size
 * largest first, date newest first), `files-sort-direction` (toggles the direction; `data-direction`
 * asc | desc), `files-group` (a checkbox: group the list by the node that shared each file).
 */
export function FileToolbar({
  query,
  onQuery,
  sort,
  onSortKey,
  onToggleDirection,
  grouped,
  onGrouped,
}: {
  query: string
  onQuery: (query: string) => void
  sort: FileSort
  onSortKey: (key: SortKey) => void
  onToggleDirection: () => void
  grouped: boolean
  onGrouped: (grouped: boolean) => void
}) {
  const searchId = useId()
  const sortId = useId()
  const groupId = useId()
  const ascending = sort.direction === 'asc'
  return (
    <div className="mb-4 flex flex-wrap items-center gap-3">
      <div className="relative min-w-48 flex-1 sm:max-w-sm">
        <label htmlFor={searchId} className="sr-only">
          Search files by name
        </label>
        <SearchIcon className="pointer-events-none absolute top-1/2 left-3 -translate-y-1/2 text-slate-400" />
        <input
          id={searchId}
          type="search"
          data-testid="files-search"
          value={query}
          onChange={(e) => onQuery(e.target.value)}
          placeholder="Search by name…"
          autoComplete="off"
          className="w-full rounded-lg border border-slate-300 bg-white py-2 pr-3 pl-9 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-sky-500 focus:ring-2 focus:ring-sky-500/30 focus:outline-none"
        />
      </div>
      <div className="ml-auto flex flex-wrap items-center gap-2">
        <label htmlFor={groupId} className="mr-2 inline-flex cursor-pointer items-center gap-1.5 text-sm text-slate-700">
          <input
            id={groupId}
            type="checkbox"
            data-testid="files-group"
            checked={grouped}
            onChange={(e) => onGrouped(e.target.checked)}
            className="h-4 w-4 rounded border-slate-300 accent-sky-600"
          />
          Group by node
        </label>
        <label htmlFor={sortId} className="text-xs font-medium text-slate-500">
          Sort by
        </label>
        <select
          id={sortId}
          data-testid="files-sort"
          value={sort.key}
          onChange={(e) => onSortKey(e.target.value as SortKey)}
          className="rounded-lg border border-slate-300 bg-white py-1.5 pr-8 pl-2.5 text-sm text-slate-800 shadow-sm focus:border-sky-500 focus:ring-2 focus:ring-sky-500/30 focus:outline-none"
        >
          {(Object.keys(SORT_LABELS) as SortKey[]).map((key) => (
            <option key={key} value={key}>
              {SORT_LABELS[key]}
            </option>
          ))}
        </select>
        <button
          type="button"
          data-testid="files-sort-direction"
          data-direction={sort.direction}
          onClick={onToggleDirection}
          aria-label={ascending ? 'Ascending order; switch to descending' : 'Descending order; switch to ascending'}
          title={ascending ? 'Ascending' : 'Descending'}
          className="flex h-8 w-8 items-center justify-center rounded-lg border border-slate-300 bg-white text-slate-600 shadow-sm transition hover:bg-slate-50 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500"
        >
          {ascending ? <ArrowUpIcon /> : <ArrowDownIcon />}
        </button>
      </div>
    </div>
  )
}

/** What a row is doing right now, and the last error of a pin/unpin. */
export interface RowState {
  pinning: boolean
  error: string | null
}

/** Label shown above each value when the table collapses into cards (narrow screens). */
function CellLabel({ children }: { children: ReactNode }) {
  return <span className="mb-0.5 block text-[11px] font-medium tracking-wide text-slate-400 uppercase md:hidden">{children}</span>
}

function SortHeader({ label, sortKey, sort, onSort }: {
  label: string
  sortKey: SortKey
  sort: FileSort
  onSort: (key: SortKey) => void
}) {
  const active = sort.key === sortKey
  return (
    <th
      scope="col"
      aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined}
      className="px-4 py-2.5 font-medium"
    >
      <button
        type="button"
        onClick={() => onSort(sortKey)}
        className={`inline-flex items-center gap-1 uppercase transition hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-sky-500 ${active ? 'text-slate-800' : ''}`}
      >
        {label}
        {active && (sort.direction === 'asc' ? <ArrowUpIcon /> : <ArrowDownIcon />)}
      </button>
    </th>
  )
}

const TD = 'block px-0 py-1 align-middle md:table-cell md:px-4 md:py-3'
const ACTION =
  'inline-flex items-center gap-1.5 rounded-lg border px-2.5 py-1.5 text-xs font-semibold shadow-sm transition focus-visible:outline-2 focus-visible:outline-offset-2'
const NEUTRAL = `${ACTION} border-slate-300 bg-white text-slate-700 hover:bg-slate-50 focus-visible:outline-sky-500`
const DISABLED = `${ACTION} cursor-not-allowed border-slate-200 bg-slate-50 text-slate-400 shadow-none`

/**
 * The mesh's shared files: this node's and its peers'. Every column header but the actions sorts
 * too (clicking the active one flips the direction). Grouped, each node's files follow a header
 * row `file-group` (`data-node-id`: the node's id, or "local"; `data-available`: how many of its
 * files can be downloaded now), this node first.
 *
 * Test ids: `files-table`, `file-row` (`data-name`; also `data-local`, `data-available`,
 * `data-pinned` as "true" | "false"), `file-download` (a link with the `download` attribute;
 * a disabled button when the file is unavailable), `file-ask` (link to /chat?file=NAME; disabled
 * button when unavailable), `file-pin` (own files; `aria-pressed` / `data-pinned`), `file-delete`
 * (own files), `file-unavailable` (badge), `file-pinned` (badge, with `file-replicas`: how many peers hold a copy), `file-row-error` (a failed pin
 * or unpin, with `file-row-error-dismiss`), `file-origin-state` (the dot before the origin; `data-online`).
 */
export function FileTable({
  files,
  grouped = false,
  sort,
  onSort,
  rowStates,
  onTogglePin,
  onDelete,
  onDismissError,
}: {
  files: SharedFile[]
  grouped?: boolean
  sort: FileSort
  onSort: (key: SortKey) => void
  rowStates: Record<string, RowState | undefined>
  onTogglePin: (file: SharedFile) => void
  onDelete: (file: SharedFile) => void
  onDismissError: (name: string) => void
}) {
  return (
    <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
      <table className="block w-full text-left md:table" data-testid="files-table">
        <caption className="sr-only">Shared files</caption>
        <thead className="hidden border-b border-slate-200 bg-slate-50 text-xs font-medium tracking-wide text-slate-500 uppercase md:table-header-group">
          <tr>
            <SortHeader label="Name" sortKey="name" sort={sort} onSort={onSort} />
            <SortHeader label="Origin" sortKey="origin" sort={sort} onSort={onSort} />
            <SortHeader label="Size" sortKey="size" sort={sort} onSort={onSort} />
            <SortHeader label="Type" sortKey="type" sort={sort} onSort={onSort} />
            <SortHeader label="Modified" sortKey="date" sort={sort} onSort={onSort} />
            <th scope="col" className="px-4 py-2.5 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        {(grouped ? groupByNode(files) : [{ key: 'all', label: '', local: false, available: 0, files }]).map((group) => (
          <tbody key={group.key} className="block divide-y divide-slate-100 md:table-row-group">
            {grouped && (
              <tr
                data-testid="file-group"
                data-node-id={group.key}
                data-available={group.available}
                className="block bg-slate-50 md:table-row"
              >
                <th scope="rowgroup" colSpan={6} className="block px-4 py-2 text-left text-sm font-semibold text-slate-800 md:table-cell">
                  {group.label}
                  <span className="ml-2 font-normal text-slate-500">
                    {group.files.length} {group.files.length === 1 ? 'file' : 'files'}
                    {!group.local && group.available === 0 && ' · offline'}
                  </span>
                </th>
              </tr>
            )}
            {group.files.map((file) => (
              <FileRow
                key={`${file.origin?.node_id ?? ''}/${file.name}`}
                file={file}
                state={rowStates[file.name]}
                onTogglePin={onTogglePin}
                onDelete={onDelete}
                onDismissError={onDismissError}
              />
            ))}
          </tbody>
        ))}
      </table>
    </div>
  )
}

function OriginCell({ file }: { file: SharedFile }) {
  if (file.local) {
    return (
      <span className="inline-flex items-center gap-1.5 text-sm whitespace-nowrap text-slate-700">
        <span aria-hidden="true" className="h-1.5 w-1.5 rounded-full bg-sky-500" />
        this node
      </span>
    )
  }
  const originId = file.origin?.node_id
  const others = file.available_from.filter((n) => n.node_id !== originId)
  // The origin is reachable when it is among the nodes the file can be had from now.
  const online = originId == null || file.available_from.some((n) => n.node_id === originId)
  return (
    <span className="block min-w-0 text-sm text-slate-700">
      <span className="inline-flex items-center gap-1.5" title={online ? file.origin?.node_id : `${file.origin?.node_id} (offline)`}>
        <span aria-hidden="true" data-testid="file-origin-state" data-online={online ? 'true' : 'false'} className={`h-1.5 w-1.5 shrink-0 rounded-full ${online ? 'bg-emerald-500' : 'bg-slate-400'}`} />
        <span className="truncate">{originLabel(file)}</span>
        {others.length > 0 && (
          <span
            className="shrink-0 rounded bg-slate-100 px-1 text-[11px] font-medium text-slate-500"
            title={`Also on ${others.map(peerDisplayName).join(', ')}`}
          >
            +{others.length}
          </span>
        )}
      </span>
      {file.origin?.address && <span className="block font-mono text-xs text-slate-400">{file.origin.address}</span>}
    </span>
  )
}

function FileRow({ file, state, onTogglePin, onDelete, onDismissError }: {
  file: SharedFile
  state: RowState | undefined
  onTogglePin: (file: SharedFile) => void
  onDelete: (file: SharedFile) => void
  onDismissError: (name: string) => void
}) {
  const { name, available, local, pinned } = file
  const { replicas } = file
  const pinning = state?.pinning ?? false
  const dim = available ? '' : 'text-slate-400'
  return (
    <tr
      data-testid="file-row"
      data-name={name}
      data-local={local ? 'true' : 'false'}
      data-available={available ? 'true' : 'false'}
      data-pinned={pinned ? 'true' : 'false'}
      aria-disabled={available ? undefined : true}
      className={`grid grid-cols-2 gap-x-4 px-4 py-3 md:table-row md:p-0 ${available ? '' : 'bg-slate-50/70'}`}
    >
      <td className={`${TD} col-span-2 md:max-w-72`}>
        <span className="flex min-w-0 items-center gap-2">
          <FileIcon className={`shrink-0 text-base ${available ? 'text-slate-400' : 'text-slate-300'}`} />
          <span className={`truncate font-medium ${available ? 'text-slate-900' : 'text-slate-400'}`} title={name}>
            {name}
          </span>
          {pinned && (
            <span
              data-testid="file-pinned"
              className="inline-flex shrink-0 items-center gap-1 rounded bg-amber-50 px-1.5 py-px text-[11px] font-semibold text-amber-800 ring-1 ring-amber-200"
            >
              <PinIcon aria-hidden="true" />
              pinned
              {replicas.length > 0 && (
                <span data-testid="file-replicas" title={`Replicas on ${replicas.map((id) => id.slice(0, 12)).join(', ')}`}>
                  · {replicas.length} {replicas.length === 1 ? 'copy' : 'copies'}
                </span>
              )}
            </span>
          )}
          {!available && (
            <span
              data-testid="file-unavailable"
              title={`${originLabel(file)} is offline and no reachable node holds a copy`}
              className="shrink-0 rounded bg-slate-100 px-1.5 py-px text-[11px] font-semibold text-slate-600 ring-1 ring-slate-200"
            >
              unavailable
            </span>
          )}
        </span>
      </td>
      <td className={`${TD} ${available ? '' : 'opacity-60'}`}>
        <CellLabel>Origin</CellLabel>
        <OriginCell file={file} />
      </td>
      <td className={TD}>
        <CellLabel>Size</CellLabel>
        <span className={`text-sm whitespace-nowrap tabular-nums ${dim || 'text-slate-700'}`} title={file.size != null ? `${file.size} bytes` : undefined}>
          {formatBytes(file.size) || '—'}
        </span>
      </td>
      <td className={TD}>
        <CellLabel>Type</CellLabel>
        <span className={`text-sm ${dim || 'text-slate-700'}`} title={file.content_type ?? undefined}>
          {fileTypeLabel(file.content_type, name)}
        </span>
      </td>
      <td className={TD}>
        <CellLabel>Modified</CellLabel>
        <time
          dateTime={file.modified ?? undefined}
          title={formatTimestamp(file.modified)}
          className={`text-sm whitespace-nowrap tabular-nums ${dim || 'text-slate-600'}`}
        >
          {formatModified(file.modified)}
        </time>
      </td>
      <td className={`${TD} col-span-2 pt-2 md:pt-3`}>
        <div className="flex flex-wrap items-center gap-1.5 md:justify-end">
          {available ? (
            <Link
              to={{ pathname: '/chat', search: `?${new URLSearchParams({ file: name })}` }}
              data-testid="file-ask"
              aria-label={`Ask about ${name}`}
              title="Ask about this file"
              className={`${ACTION} border-sky-200 bg-sky-50 text-sky-800 hover:bg-sky-100 focus-visible:outline-sky-500`}
            >
              <ChatIcon />
              Ask
            </Link>
          ) : (
            <button type="button" data-testid="file-ask" disabled aria-label={`Ask about ${name} (unavailable)`} className={DISABLED}>
              <ChatIcon />
              Ask
            </button>
          )}
          {available ? (
            <a href={file.download_url} download={name} data-testid="file-download" aria-label={`Download ${name}`} className={NEUTRAL}>
              <DownloadIcon />
              Download
            </a>
          ) : (
            <button type="button" data-testid="file-download" disabled aria-label={`Download ${name} (unavailable)`} className={DISABLED}>
              <DownloadIcon />
              Download
            </button>
          )}
          {local && (
            <>
              <button
                type="button"
                data-testid="file-pin"
                data-pinned={pinned ? 'true' : 'false'}
                aria-pressed={pinned}
                aria-label={pinned ? `Unpin ${name}` : `Pin ${name}`}
                title={pinned ? 'Unpin' : 'Pin'}
                onClick={() => onTogglePin(file)}
                disabled={pinning}
                className={`${NEUTRAL} disabled:cursor-wait disabled:opacity-60`}
              >
                {pinning ? <Spinner className="h-3 w-3" /> : <PinIcon />}
                {pinned ? 'Unpin' : 'Pin'}
              </button>
              <button
                type="button"
                data-testid="file-delete"
                aria-label={`Delete ${name}`}
                onClick={() => onDelete(file)}
                className={`${ACTION} border-red-200 bg-white text-red-700 hover:border-red-300 hover:bg-red-50 focus-visible:outline-red-500`}
              >
                <TrashIcon />
                Delete
              </button>
            </>
          )}
        </div>
        {state?.error && (
          <p
            role="alert"
            data-testid="file-row-error"
            className="mt-2 flex items-start gap-2 rounded-lg border border-red-200 bg-red-50 px-2.5 py-1.5 text-left text-xs text-red-700"
          >
            <span className="min-w-0 flex-1">{state.error}</span>
            <button
              type="button"
              data-testid="file-row-error-dismiss"
              aria-label="Dismiss"
              onClick={() => onDismissError(name)}
              className="shrink-0 rounded p-0.5 text-red-500 hover:bg-red-100 hover:text-red-700 focus-visible:outline-2 focus-visible:outline-red-500"
            >
              <CloseIcon />
            </button>
          </p>
        )}
      </td>
    </tr>
  )
}
