// @vitest-environment jsdom
import { act, fireEvent, render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { THEME_KEY, type ThemeChoice } from './theme'
import { useTheme } from './useTheme'

function Control({ name }: { name: string }) {
  const [choice, choose] = useTheme()
  return (
    <div>
      <span data-testid={`${name}-choice`}>{choice}</span>
      {(['light', 'dark', 'system'] as ThemeChoice[]).map((value) => (
        <button key={value} type="button" onClick={() => choose(value)}>
          {`${name} ${value}`}
        </button>
      ))}
    </div>
  )
}

describe('useTheme', () => {
  it('is one choice for the page: a choice in one control shows in every other, is stored and applied', () => {
    render(
      <>
        <Control name="sidebar" />
        <Control name="settings" />
      </>,
    )
    fireEvent.click(screen.getByText('sidebar dark'))
    expect(screen.getByTestId('settings-choice').textContent).toBe('dark')
    expect(window.localStorage.getItem(THEME_KEY)).toBe('dark')
    expect(document.documentElement.classList.contains('dark')).toBe(true)

    fireEvent.click(screen.getByText('settings light'))
    expect(screen.getByTestId('sidebar-choice').textContent).toBe('light')
    expect(document.documentElement.classList.contains('dark')).toBe(false)
  })

  it('follows a choice made in another tab of this browser', () => {
    render(<Control name="sidebar" />)
    fireEvent.click(screen.getByText('sidebar light'))
    act(() => {
      window.localStorage.setItem(THEME_KEY, 'dark')
      window.dispatchEvent(new StorageEvent('storage', { key: THEME_KEY }))
    })
    expect(screen.getByTestId('sidebar-choice').textContent).toBe('dark')
    expect(document.documentElement.classList.contains('dark')).toBe(true)
  })
})
