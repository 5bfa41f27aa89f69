// Pure helpers of the invite dialogs (tested in invite.test.ts).

/** The code in groups of four for reading off a screen; spaces are ignored when it is pasted or typed back. */
export function groupCode(code: string): string {
  return code.match(/.{1,4}/g)?.join(' ') ?? code
}

/** "9:41" left until `expiresAt` (ISO), or null once it has passed (or is unreadable). */
export function formatRemaining(expiresAt: string, now: number): string | null {
  const end = Date.parse(expiresAt)
  if (Number.isNaN(end) || end <= now) return null
  const seconds = Math.ceil((end - now) / 1000)
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}

/** A pasted code without the spaces, dashes and line breaks a chat or mail may have added. */
export function cleanCode(text: string): string {
  return text.replace(/[\s-]+/g, '').toUpperCase()
}
