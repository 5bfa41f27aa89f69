import { AlertIcon } from './Icons'

/** Amber banner for a polled fetch that failed; the screen keeps its last data and keeps retrying. */
export function RetryingBanner({ message, testId }: { message: string; testId: string }) {
  return (
    <div
      role="alert"
      data-testid={testId}
      className="mb-6 flex items-center gap-2 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800"
    >
      <AlertIcon className="shrink-0" />
      <span>{message} — retrying…</span>
    </div>
  )
}
