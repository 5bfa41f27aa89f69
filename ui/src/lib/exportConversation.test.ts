import { describe, expect, it } from 'vitest'
import type { Conversation, Exchange } from '../api/types'
import { EXPORT_FORMAT, conversationToJson, conversationToMarkdown, exportFileName } from './exportConversation'

const AT = new Date('2026-11-26T12:00:00Z')
const host = { node_id: 'a'.repeat(64), name: 'gpu-box', ip: '10.0.0.2', has_llm: true }

function exchange(id: string, parent: string | null, question: string, answer: string, error: string | null = null): Exchange {
  return {
    id,
    conversation_id: 'c_1',
    question,
    answer,
    model: 'llama3:latest',
    host,
    latency_ms: 10,
    ttft_ms: 1,
    prompt_tokens: 1,
    completion_tokens: 2,
    created_at: '2026-11-26T11:00:00Z',
    error,
    parent_id: parent,
  }
}

const first = exchange('x_1', null, 'What is a mesh?', 'A **mesh** is many nodes.')
const failed = exchange('x_2', 'x_1', 'And why?', 'Because', 'stopped: gpu-box went away after 1 token')
const fork = exchange('x_3', 'x_1', 'And how?', 'Like this.')
const conversation: Conversation = {
  id: 'c_1',
  title: 'Meshes',
  created_at: '2026-11-26T11:00:00Z',
  updated_at: '2026-11-26T11:05:00Z',
  exchanges: [first, failed, fork],
  settings: { system_prompt: 'Be brief.', temperature: 0.5, max_tokens: null },
}

describe('conversationToMarkdown', () => {
  it('writes the branch in order with who answered', () => {
    const md = conversationToMarkdown(conversation, [first, fork], AT)
    expect(md.startsWith('# Meshes\n')).toBe(true)
    expect(md).toContain('2026-11-26T12:00:00.000Z · 2 exchanges')
    expect(md.indexOf('What is a mesh?')).toBeLessThan(md.indexOf('And how?'))
    expect(md).toContain('A **mesh** is many nodes.')
    expect(md).toContain('Answered by gpu-box · llama3:latest')
    expect(md).not.toContain('And why?')
  })

  it('never calls a failed answer answered, and says why it stopped', () => {
    const md = conversationToMarkdown(conversation, [first, failed], AT)
    const part = md.slice(md.indexOf('And why?'))
    expect(part).toContain('Partial answer from gpu-box')
    expect(part).not.toContain('Answered by')
    expect(part).toContain('> ⚠ stopped: gpu-box went away after 1 token')
  })
})

describe('conversationToJson', () => {
  it('keeps every branch, the settings and the branch on screen', () => {
    const data = JSON.parse(conversationToJson(conversation, ['x_1', 'x_3'], AT))
    expect(data.format).toBe(EXPORT_FORMAT)
    expect(data.exchanges.map((e: Exchange) => e.id)).toEqual(['x_1', 'x_2', 'x_3'])
    expect(data.exchanges[2].parent_id).toBe('x_1')
    expect(data.shown_branch).toEqual(['x_1', 'x_3'])
    expect(data.settings.system_prompt).toBe('Be brief.')
    expect(data.exported_at).toBe('2026-11-26T12:00:00.000Z')
  })
})

describe('exportFileName', () => {
  it.each([
    ['Meshes & Nodes: a primer', 'md', 'meshmind-meshes-nodes-a-primer.md'],
    ['Café résumé', 'json', 'meshmind-cafe-resume.json'],
    ['../../etc/passwd', 'md', 'meshmind-etc-passwd.md'],
    ['', 'md', 'meshmind-conversation.md'],
    [null, 'json', 'meshmind-conversation.json'],
  ] as const)('%s → %s', (title, ext, name) => {
    expect(exportFileName(title, ext)).toBe(name)
  })
})
