// @vitest-environment jsdom
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { Markdown } from '../Markdown'
import { MarkdownView } from './MarkdownView'

function renderMarkdown(text: string) {
  return render(<MarkdownView text={text} />).container
}

describe('MarkdownView: model output cannot inject markup', () => {
  it('shows a <script> element as text, never as an element', () => {
    const root = renderMarkdown('Before\n\n<script>alert("x")</script>\n\nafter <script>alert(1)</script> inline')
    expect(root.querySelector('script')).toBeNull()
    expect(root.textContent).toContain('<script>alert("x")</script>')
    expect(root.textContent).toContain('after <script>alert(1)</script> inline')
  })

  it('shows an <img onerror> as text: no image, no handler attribute', () => {
    const root = renderMarkdown('<img src="x" onerror="alert(1)">\n\nand <img src=x onerror=alert(2)> inline')
    expect(root.querySelector('img')).toBeNull()
    expect(root.querySelector('[onerror]')).toBeNull()
    expect(root.textContent).toContain('<img src="x" onerror="alert(1)">')
  })

  it('does not turn inline HTML into elements', () => {
    const root = renderMarkdown('Click <a href="https://evil.example" onclick="steal()">here</a> or <iframe src="https://x"></iframe>')
    expect(root.querySelector('a')).toBeNull()
    expect(root.querySelector('iframe')).toBeNull()
    expect(root.querySelector('[onclick]')).toBeNull()
  })

  it.each(['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox', '/api/auth/logout'])(
    'keeps only the text of a link to %s',
    (target) => {
      const root = renderMarkdown(`[click me](${target})`)
      expect(root.querySelector('a')).toBeNull()
      expect(root.textContent).toBe('click me')
    },
  )

  it('opens an http(s) link in a new tab without opener or referrer', () => {
    renderMarkdown('See [the docs](https://example.com/a?b=1) and https://example.org/x.')
    const docs = screen.getByRole('link', { name: 'the docs' })
    expect(docs.getAttribute('href')).toBe('https://example.com/a?b=1')
    expect(docs.getAttribute('target')).toBe('_blank')
    expect(docs.getAttribute('rel')?.split(' ')).toEqual(expect.arrayContaining(['noopener', 'noreferrer']))
    // GFM autolink, without the sentence's full stop
    expect(screen.getByRole('link', { name: 'https://example.org/x' }).getAttribute('href')).toBe('https://example.org/x')
  })

  it('shows an image as a link to it, so no remote image is loaded', () => {
    const root = renderMarkdown('![a cat](https://example.com/cat.png) ![bad](javascript:alert(1))')
    expect(root.querySelector('img')).toBeNull()
    expect(screen.getByRole('link', { name: 'a cat' }).getAttribute('href')).toBe('https://example.com/cat.png')
    expect(screen.queryByRole('link', { name: 'bad' })).toBeNull()
    expect(root.textContent).toContain('bad')
  })
})

describe('MarkdownView: code', () => {
  const python = "def greet(name):\n    return f'hello {name}'  # <b>not bold</b>"

  it('renders a fenced block with its language, its exact source and a copy button', () => {
    renderMarkdown(`Here:\n\n\`\`\`python\n${python}\n\`\`\`\n\nDone.`)
    const block = screen.getByTestId('markdown-code')
    expect(within(block).getByText('python')).toBeTruthy()
    expect(block.querySelector('pre code')?.textContent).toBe(python)
    expect(block.querySelector('b')).toBeNull()
    expect(within(block).getByTestId('markdown-copy').textContent).toBe('Copy')
  })

  it('copies the source exactly, not the highlighted markup', async () => {
    const writeText = vi.fn(async () => {})
    vi.stubGlobal('isSecureContext', true)
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    renderMarkdown(`\`\`\`python\n${python}\n\`\`\``)
    const code = screen.getByTestId('markdown-code').querySelector('code')!
    await waitFor(() => expect(code.dataset.highlighted).toBe('true'))

    fireEvent.click(screen.getByTestId('markdown-copy'))

    await waitFor(() => expect(screen.getByTestId('markdown-copy').textContent).toBe('Copied'))
    expect(writeText).toHaveBeenCalledWith(python)
  })

  it('highlights a known language with highlight.js classes', async () => {
    renderMarkdown('```py\nimport os\n```')
    const code = screen.getByTestId('markdown-code').querySelector('code')!
    await waitFor(() => expect(code.querySelector('.hljs-keyword')?.textContent).toBe('import'))
    expect(code.textContent).toBe('import os')
  })

  it('leaves a block in an unknown language, or none, plain', async () => {
    renderMarkdown('```\nplain <i>text</i>\n```\n\n```brainfuck\n+[-->-[>>+>-----<<]<--<---]\n```')
    // Wait until the highlighter has loaded for the block that names a language.
    await act(() => import('./highlight'))
    const [plain, unknown] = screen.getAllByTestId('markdown-code')
    expect(within(plain).getByText('code')).toBeTruthy()
    expect(plain.querySelector('code')?.textContent).toBe('plain <i>text</i>')
    expect(plain.querySelector('code span, code i')).toBeNull()
    expect(unknown.querySelector('code span')).toBeNull()
    expect(unknown.querySelector('code')?.dataset.highlighted).toBeUndefined()
  })

  it('renders an unclosed fence (an answer still streaming) as a code block', () => {
    renderMarkdown('Start:\n\n```js\nconst a = 1\nconst b')
    expect(screen.getByTestId('markdown-code').querySelector('code')?.textContent).toBe('const a = 1\nconst b')
  })

  it('renders inline code as <code> outside any block', () => {
    const root = renderMarkdown('Run `npm test` now')
    expect(root.querySelector('p > code')?.textContent).toBe('npm test')
    expect(screen.queryByTestId('markdown-code')).toBeNull()
  })
})

describe('MarkdownView: GFM and structure', () => {
  it('renders a table with aligned columns', () => {
    const root = renderMarkdown('| Model | Tokens/s |\n|:--|--:|\n| llama3 | 41.8 |\n| `mistral` | 38 |')
    const table = root.querySelector('table')!
    expect([...table.querySelectorAll('th')].map((th) => th.textContent)).toEqual(['Model', 'Tokens/s'])
    expect([...table.querySelectorAll('th')].every((th) => th.getAttribute('scope') === 'col')).toBe(true)
    const rows = [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent))
    expect(rows).toEqual([
      ['llama3', '41.8'],
      ['mistral', '38'],
    ])
    expect(table.querySelector('tbody td code')?.textContent).toBe('mistral')
    expect((table.querySelectorAll('td')[1] as HTMLElement).style.textAlign).toBe('right')
  })

  it('renders lists, emphasis, strikethrough and task items', () => {
    const root = renderMarkdown('1. **all** it *takes*\n2. ~~old~~\n\n- [x] done\n- [ ] todo')
    expect(root.querySelector('ol strong')?.textContent).toBe('all')
    expect(root.querySelector('ol em')?.textContent).toBe('takes')
    expect(root.querySelector('ol del')?.textContent).toBe('old')
    const boxes = [...root.querySelectorAll<HTMLInputElement>('ul input[type=checkbox]')]
    expect(boxes.map((b) => [b.checked, b.disabled])).toEqual([
      [true, true],
      [false, true],
    ])
  })

  it('keeps an ordered list’s start number', () => {
    expect(renderMarkdown('3. three\n4. four').querySelector('ol')?.getAttribute('start')).toBe('3')
  })

  it('starts headings at h3, below the page’s own h1 and h2', () => {
    const root = renderMarkdown('# Title\n\n## Part\n\n###### Small')
    expect(root.querySelector('h1, h2')).toBeNull()
    expect(root.querySelector('h3')?.textContent).toBe('Title')
    expect(root.querySelector('h4')?.textContent).toBe('Part')
    expect(root.querySelector('h6')?.textContent).toBe('Small')
  })

  it('renders block quotes and rules', () => {
    const root = renderMarkdown('> quoted\n\n---\n\ntext')
    expect(root.querySelector('blockquote')?.textContent?.trim()).toBe('quoted')
    expect(root.querySelector('hr')).not.toBeNull()
  })
})

describe('MarkdownView: math', () => {
  it('typesets $$…$$ with KaTeX once the math chunk has loaded', async () => {
    const root = renderMarkdown('Euler: $$e^{i\\pi} + 1 = 0$$')
    await waitFor(() => expect(root.querySelector('.katex')).not.toBeNull())
    expect(root.querySelector('.katex annotation')?.textContent).toBe('e^{i\\pi} + 1 = 0')
  })

  it('leaves single dollars alone: they are money, not math', async () => {
    const root = renderMarkdown('It costs $5 and $10. Also $$x$$.')
    await waitFor(() => expect(root.querySelector('.katex')).not.toBeNull())
    expect(root.querySelectorAll('.katex')).toHaveLength(1)
    expect(root.textContent).toContain('It costs $5 and $10.')
  })

  it('does not let TeX make a link', async () => {
    const root = renderMarkdown('$$\\href{javascript:alert(1)}{click}$$ and $$\\url{https://evil.example}$$')
    await waitFor(() => expect(root.querySelector('.katex, .katex-error')).not.toBeNull())
    expect(root.querySelector('a')).toBeNull()
  })
})

describe('Markdown (lazy wrapper)', () => {
  it('shows the text at once, then the rendered Markdown', async () => {
    const { container } = render(<Markdown text={'That is **all** it takes.'} className="mt-1" />)
    expect(container.textContent).toContain('That is **all** it takes.')
    expect((await screen.findByText('all')).tagName).toBe('STRONG')
    expect(container.textContent).toBe('That is all it takes.')
    expect(container.firstElementChild?.className).toContain('mt-1')
  })
})
