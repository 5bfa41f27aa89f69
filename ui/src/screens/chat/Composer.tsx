import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react'
import { CloseIcon, FileIcon, PaperclipIcon, SendIcon, StopIcon } from '../../components/Icons'
import { FilePickerDialog } from './FilePickerDialog'

/**
 * The question box: Enter sends, Shift+Enter adds a line. While an answer streams the Send
 * button becomes Stop. A shared file can be attached to the next question; the attachment is
 * held by the parent (the Chat screen pre-attaches the file of a `?file=` link).
 *
 * Test ids: `chat-input`, `chat-send`, `chat-stop`, `chat-attach`, `chat-attachment` (the chosen
 * file, with `chat-attachment-remove`); the picker's ids are documented in FilePickerDialog.
 */
export function Composer({
  streaming,
  disabled,
  disabledReason,
  filename,
  onFilenameChange,
  onSend,
  onStop,
}: {
  streaming: boolean
  /** Sending is impossible (no LLM in the mesh). */
  disabled: boolean
  disabledReason?: string
  /** The shared file attached to the next question, or null. */
  filename: string | null
  onFilenameChange: (filename: string | null) => void
  onSend: (message: string, filename: string | null) => void
  onStop: () => void
}) {
  const [text, setText] = useState('')
  const [picking, setPicking] = useState(false)
  const inputRef = useRef<HTMLTextAreaElement>(null)
  const inputId = useId()
  const hintId = useId()

  const canSend = !disabled && !streaming && text.trim() !== ''

  const submit = () => {
    if (!canSend) return
    onSend(text.trim(), filename)
    setText('')
    onFilenameChange(null)
    inputRef.current?.focus()
  }

  const onSubmit = (e: FormEvent) => {
    e.preventDefault()
    submit()
  }

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // isComposing: Enter that confirms an IME composition must not send.
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault()
      submit()
    }
  }

  return (
    <form onSubmit={onSubmit} className="border-t border-slate-200 bg-slate-50/60 px-3 py-3 sm:px-4">
      {filename && (
        <div className="mb-2 flex">
          <span
            data-testid="chat-attachment"
            className="inline-flex max-w-full items-center gap-1.5 rounded-full bg-white py-1 pr-1 pl-2.5 text-xs font-medium text-slate-700 ring-1 ring-slate-200"
          >
            <FileIcon className="shrink-0 text-slate-400" />
            <span className="truncate" title={filename}>
              {filename}
            </span>
            <button
              type="button"
              data-testid="chat-attachment-remove"
              aria-label={`Remove attachment ${filename}`}
              onClick={() => onFilenameChange(null)}
              className="rounded-full p-0.5 text-slate-400 hover:bg-slate-100 hover:text-slate-700 focus-visible:outline-2 focus-visible:outline-sky-500"
            >
              <CloseIcon />
            </button>
          </span>
        </div>
      )}

      <div className="flex items-end gap-2">
        <button
          type="button"
          data-testid="chat-attach"
          aria-label="Attach a shared file"
          title="Attach a shared file"
          onClick={() => setPicking(true)}
          className="flex h-11 w-11 shrink-0 items-center justify-center rounded-lg border border-slate-300 bg-white text-lg text-slate-500 shadow-sm transition hover:bg-slate-50 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500"
        >
          <PaperclipIcon />
        </button>

        <label htmlFor={inputId} className="sr-only">
          Your question
        </label>
        <textarea
          ref={inputRef}
          id={inputId}
          data-testid="chat-input"
          rows={1}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          aria-describedby={hintId}
          placeholder={disabled ? 'No LLM available' : 'Ask the mesh…'}
          className="field-sizing-content max-h-48 min-h-11 flex-1 resize-none rounded-lg border border-slate-300 bg-white px-3 py-2.5 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-sky-500 focus:ring-2 focus:ring-sky-500/30 focus:outline-none"
        />

        {streaming ? (
          <button
            type="button"
            data-testid="chat-stop"
            onClick={() => {
              onStop()
              inputRef.current?.focus()
            }}
            className="flex h-11 shrink-0 items-center gap-2 rounded-lg border border-red-200 bg-white px-4 text-sm font-semibold text-red-700 shadow-sm transition hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-500"
          >
            <StopIcon />
            Stop
          </button>
        ) : (
          <button
            type="submit"
            data-testid="chat-send"
            disabled={!canSend}
            className="flex h-11 shrink-0 items-center gap-2 rounded-lg bg-sky-700 px-4 text-sm font-semibold text-white shadow-sm transition hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 disabled:cursor-not-allowed disabled:bg-slate-300 disabled:shadow-none"
          >
            <SendIcon />
            Send
          </button>
        )}
      </div>
      <p id={hintId} className="mt-1.5 text-xs text-slate-400">
        {disabled && disabledReason ? disabledReason : 'Enter to send · Shift+Enter for a new line'}
      </p>

      {picking && (
        <FilePickerDialog
          onClose={() => {
            setPicking(false)
            inputRef.current?.focus()
          }}
          onPick={(name) => {
            onFilenameChange(name)
            setPicking(false)
            inputRef.current?.focus()
          }}
        />
      )}
    </form>
  )
}
