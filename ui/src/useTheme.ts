import { useCallback, useEffect, useState } from 'react'
import { applyTheme, readThemeChoice, resolveTheme, saveThemeChoice, systemPrefersDark, type ThemeChoice } from './theme'

function storage(): Storage | null {
  try {
    return window.localStorage
  } catch {
    return null
  }
}

/** The theme choice of this browser and a setter; follows the system's preference while 'system' is chosen. */
export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const [choice, setChoice] = useState<ThemeChoice>(() => readThemeChoice(storage()))

  useEffect(() => {
    applyTheme(resolveTheme(choice, systemPrefersDark()))
    if (choice !== 'system' || typeof window.matchMedia !== 'function') return
    const media = window.matchMedia('(prefers-color-scheme: dark)')
    const follow = () => applyTheme(resolveTheme('system', media.matches))
    media.addEventListener('change', follow)
    return () => media.removeEventListener('change', follow)
  }, [choice])

  const choose = useCallback((next: ThemeChoice) => {
    saveThemeChoice(storage(), next)
    setChoice(next)
  }, [])

  return [choice, choose]
}

/** Applies the stored theme before the first render, so a dark page does not flash light. */
export function applyStoredTheme(): void {
  applyTheme(resolveTheme(readThemeChoice(storage()), systemPrefersDark()))
}
