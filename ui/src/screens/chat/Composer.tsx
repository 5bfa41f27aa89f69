import { useCallback, useId, useRef, useState, type ClipboardEvent, type FormEvent, type KeyboardEvent } from 'react'
import { CloseIcon, FileIcon, SendIcon, StopIcon, UploadIcon } from '../../components/Icons'
import { useUploadQueue } from '../files/useUploadQueue'
import { AttachMenu } from './AttachMenu'
import { ComposerUpload } from './ComposerUpload'
import { FilePickerDialog } from './FilePickerDialog'
import { oneFile, pastedFiles } from './attachments'
import { useEscapeToStop } from './useEscapeToStop'
import { useFileDrop } from './useFileDrop'

/**
 * The question box: Enter sends, Shift+Enter adds a line. While an answer streams the Send
 * button becomes Stop, and Escape anywhere on the screen stops it too (unless a dialog is open).
 *
 * One file can go with the next question: a shared file of the mesh (the paperclip's "Shared
 * files"), or one from this computer, chosen with the OS picker ("From your computer"), dropped
 * anywhere on the page or pasted into the box. A file from this computer is first uploaded to
 * this node's shared files, with progress and Cancel; Send waits for it. The attachment is held by
 * the parent (the Chat screen pre-attaches the file of a `?file=` link).
 *
 * Test ids: `chat-composer` (the form; `data-dragging="true"` while files are dragged over the
 * page), `chat-dropzone` (shown while dragging), `chat-input`, `chat-send`, `chat-stop`,
 * `chat-file-input` (the hidden <input type="file">), `chat-attachment` (the attached file, with
 * `chat-attachment-remove`), `chat-attach-note`, `chat-knowledge` (the "Use mesh files" toggle); the paperclip's ids are documented in
 * AttachMenu, the upload's in ComposerUpload, the picker's in FilePickerDialog.
 */
export function Composer({
  streaming,
  disabled,
  disabledReason,
  filename,
  onFilenameChange,
  knowledge,
  onKnowledgeChange,
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
  /** Use mesh files: answers draw on every node's shared files and cite them. */
  knowledge: boolean
  onKnowledgeChange: (knowledge: boolean) => void
  onSend: (message: string, filename: string | null) => void
  onStop: () => void
}) {
  const [text, setText] = useState('')
  const [picking, setPicking] = useState(false)
  const [note, setNote] = useState<string | null>(null)
  const inputRef = useRef<HTMLTextAreaElement>(null)
  const fileInputRef = useRef<HTMLInputElement>(null)
  const inputId = useId()
  const hintId = useId()
  const fileInputId = useId()

  useEscapeToStop(streaming, onStop)

  const uploads = useUploadQueue(useCallback((stored) => onFilenameChange(stored.name), [onFilenameChange]))
  // The latest file given to the composer that is not stored yet, or that the node refused.
  const upload = uploads.items.filter((item) => item.status !== 'done').at(-1) ?? null
  const uploading = upload != null && upload.status !== 'error'

  /** Drops any upload still going or failed: a newly chosen file takes its place. */
  const clearUploads = () => {
    for (const item of uploads.items) {
      if (item.status === 'error') uploads.dismiss(item.id)
      else if (item.status !== 'done') uploads.cancel(item.id)
    }
  }

  /** Uploads the one file to attach (it is attached once stored). */
  const attachFiles = (files: readonly File[]) => {
    const { file, note } = oneFile(files)
    if (!file) return
    clearUploads()
    setNote(note)
    uploads.add([file])
  }
  const dragging = useFileDrop(attachFiles)

  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = pastedFiles(Array.from(e.clipboardData.types), Array.from(e.clipboardData.files))
    if (files.length === 0) return
    e.preventDefault()
    attachFiles(files)
  }

  const canSend = !disabled && !streaming && !uploading && text.trim() !== ''

  const submit = () => {
    if (!canSend) return
    onSend(text.trim(), filename)
    setText('')
    setNote(null)
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

  const hint =
    disabled && disabledReason
      ? disabledReason
      : uploading
        ? 'Send waits until the file is attached'
        : streaming
          ? 'Esc or Stop ends the answer'
          : 'Enter to send · Shift+Enter for a new line'

  return (
    <form
      onSubmit={onSubmit}
      data-testid="chat-composer"
      data-dragging={dragging ? 'true' : 'false'}
      className="relative border-t border-slate-200 bg-slate-50/60 px-3 py-3 sm:px-4"
    >
      {dragging && (
        <div
          data-testid="chat-dropzone"
          className="pointer-events-none absolute inset-1.5 z-10 flex items-center justify-center gap-2 rounded-xl border-2 border-dashed border-sky-500 bg-sky-50 text-sm font-semibold text-sky-800"
        >
          <UploadIcon className="text-lg" />
          Drop the file to attach it
        </div>
      )}

      <div aria-live="polite" className="empty:hidden mb-2 space-y-2">
        {upload && <ComposerUpload item={upload} onCancel={uploads.cancel} onDismiss={uploads.dismiss} />}
        {/* While a new file uploads it is about to replace the attachment; a refused one leaves it attached. */}
        {!uploading &&
          filename && (
            <div className="flex">
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
        {note && (
          <p data-testid="chat-attach-note" className="text-xs text-slate-600">
            {note}
          </p>
        )}
      </div>

      <label htmlFor={fileInputId} className="sr-only">
        File from your computer to attach
      </label>
      <input
        ref={fileInputRef}
        id={fileInputId}
        data-testid="chat-file-input"
        type="file"
        tabIndex={-1}
        className="sr-only"
        onChange={(e) => {
          const chosen = e.currentTarget.files
          if (chosen && chosen.length > 0) attachFiles(Array.from(chosen))
          e.currentTarget.value = '' // choosing the same file again still fires change
        }}
      />

      <div className="flex items-end gap-2">
        <AttachMenu onComputer={() => fileInputRef.current?.click()} onShared={() => setPicking(true)} />

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
          onPaste={onPaste}
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
      <div className="mt-1.5 flex flex-wrap items-center justify-between gap-x-4 gap-y-1">
        <p id={hintId} className="text-xs text-slate-600">
          {hint}
        </p>
        <label className="flex cursor-pointer items-center gap-1.5 text-xs font-medium text-slate-700">
          <input
            type="checkbox"
            data-testid="chat-knowledge"
            checked={knowledge}
            onChange={(e) => onKnowledgeChange(e.target.checked)}
            className="h-3.5 w-3.5 rounded border-slate-300 text-sky-700 focus:ring-sky-500"
          />
          Use mesh files
        </label>
      </div>

      {picking && (
        <FilePickerDialog
          onClose={() => {
            setPicking(false)
            inputRef.current?.focus()
          }}
          onPick={(name) => {
            clearUploads()
            setNote(null)
            onFilenameChange(name)
            setPicking(false)
            inputRef.current?.focus()
          }}
        />
      )}
    </form>
  )
}
