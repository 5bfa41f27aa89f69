// @vitest-environment jsdom
import { describe, expect, it } from 'vitest'
import { THEME_KEY, applyTheme, readThemeChoice, resolveTheme, saveThemeChoice } from './theme'

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial))
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data }
}

describe('theme choice', () => {
  it('reads what was stored, and system for nothing or something else', () => {
    expect(readThemeChoice(memoryStorage({ [THEME_KEY]: 'dark' }))).toBe('dark')
    expect(readThemeChoice(memoryStorage())).toBe('system')
    expect(readThemeChoice(memoryStorage({ [THEME_KEY]: 'purple' }))).toBe('system')
    expect(readThemeChoice(null)).toBe('system')
  })

  it('survives a storage that throws (blocked by the browser)', () => {
    const blocked = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError')
      },
      setItem: () => {
        throw new DOMException('denied', 'SecurityError')
      },
    }
    expect(readThemeChoice(blocked)).toBe('system')
    expect(saveThemeChoice(blocked, 'dark')).toBe(false)
  })

  it('stores the choice for this browser', () => {
    const storage = memoryStorage()
    expect(saveThemeChoice(storage, 'light')).toBe(true)
    expect(storage.data.get(THEME_KEY)).toBe('light')
  })
})

describe('resolveTheme', () => {
  it.each([
    ['light', true, 'light'],
    ['dark', false, 'dark'],
    ['system', true, 'dark'],
    ['system', false, 'light'],
  ] as const)('%s with a dark system %s → %s', (choice, dark, expected) => {
    expect(resolveTheme(choice, dark)).toBe(expected)
  })
})

describe('applyTheme', () => {
  it('toggles the dark class and the color scheme on the root element', () => {
    const root = document.createElement('html')
    applyTheme('dark', root)
    expect(root.classList.contains('dark')).toBe(true)
    expect(root.style.colorScheme).toBe('dark')
    applyTheme('light', root)
    expect(root.classList.contains('dark')).toBe(false)
    expect(root.style.colorScheme).toBe('light')
  })
})
