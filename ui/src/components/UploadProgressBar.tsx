/**
 * One upload's progress bar, shared by the Shared Files upload panel and the chat composer: the percentage sent, pulsing
 * once every byte is sent and the node is saving the file. `testId` names it for the screen's tests (`data-percent`,
 * `data-name` carry the figures).
 */
export function UploadProgressBar({
  name,
  percent,
  processing,
  label,
  testId,
}: {
  name: string
  percent: number
  processing: boolean
  label: string
  testId: string
}) {
  return (
    <div
      role="progressbar"
      data-testid={testId}
      data-percent={percent}
      data-name={name}
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={processing ? 'Sent; the node is saving the file' : `${percent}%`}
      className="mt-1.5 h-1.5 overflow-hidden rounded-full bg-slate-100"
    >
      <div
        className={`h-full rounded-full bg-sky-500 transition-[width] duration-200 ${processing ? 'animate-pulse' : ''}`}
        style={{ width: `${percent}%` }}
      />
    </div>
  )
}
