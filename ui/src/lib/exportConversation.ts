// Exporting a conversation: Markdown for reading (the branch on screen), JSON for keeping (every
// exchange, with the parent links that make the tree, and the conversation's settings).
import type { Conversation, Exchange } from '../api/types'

export const EXPORT_FORMAT = 'meshmind.conversation.v1'

/** The conversation's title, or a stand-in for an untitled one. */
function titleOf(conversation: Pick<Conversation, 'title'>): string {
  return conversation.title?.trim() || 'Untitled conversation'
}

function hostOf(e: Exchange): string {
  return e.host?.name || e.host?.node_id?.slice(0, 12) || 'unknown host'
}

/**
 * The branch `path` (root first) as Markdown: a heading per question, the answer as written
 * (already Markdown), who answered; a failed answer says so instead of claiming an answer.
 */
export function conversationToMarkdown(conversation: Pick<Conversation, 'title'>, path: readonly Exchange[], exportedAt: Date): string {
  const lines = [`# ${titleOf(conversation)}`, '', `_Exported from MeshMind on ${exportedAt.toISOString()} · ${path.length} ${path.length === 1 ? 'exchange' : 'exchanges'}_`]
  for (const e of path) {
    lines.push('', '---', '', '**You:**', '', e.question ?? '', '')
    const meta = e.error ? `Partial answer from ${hostOf(e)} · ${e.model}` : `Answered by ${hostOf(e)} · ${e.model}`
    lines.push(`**MeshMind** _(${meta})_:`, '')
    if (e.answer) lines.push(e.answer, '')
    if (e.error) lines.push(`> ⚠ ${e.error}`, '')
  }
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n'
}

/** The whole conversation as JSON: every exchange (all branches), settings, and which branch was on screen. */
export function conversationToJson(conversation: Conversation, shownBranch: readonly string[], exportedAt: Date): string {
  return (
    JSON.stringify(
      {
        format: EXPORT_FORMAT,
        exported_at: exportedAt.toISOString(),
        id: conversation.id,
        title: titleOf(conversation),
        created_at: conversation.created_at,
        updated_at: conversation.updated_at,
        settings: conversation.settings ?? null,
        shown_branch: shownBranch,
        exchanges: conversation.exchanges,
      },
      null,
      2,
    ) + '\n'
  )
}

/** A file name for the export: `meshmind-<title words>.<ext>`, safe on every OS. */
export function exportFileName(title: string | null | undefined, extension: 'md' | 'json'): string {
  const slug = (title ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '')
  return `meshmind-${slug || 'conversation'}.${extension}`
}
