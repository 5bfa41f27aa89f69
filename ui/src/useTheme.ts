import { useEffect, useSyncExternalStore } from 'react'
import { applyTheme, readThemeChoice, resolveTheme, saveThemeChoice, systemPrefersDark, THEME_KEY, type ThemeChoice } from './theme'

function storage(): Storage | null {
  try {
    return window.localStorage
  } catch {
    return null
  }
}

// One choice for the whole page, so every control that shows it (the sidebar's, Settings') agrees.
let current: ThemeChoice | null = null
const listeners = new Set<() => void>()

function getChoice(): ThemeChoice {
  current ??= readThemeChoice(storage())
  return current
}

function setChoice(next: ThemeChoice) {
  current = next
  listeners.forEach((listener) => listener())
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  // Chosen in another tab of this browser: follow it here too.
  const onStorage = (e: StorageEvent) => {
    if (e.key === THEME_KEY) setChoice(readThemeChoice(storage()))
  }
  window.addEventListener('storage', onStorage)
  return () => {
    listeners.delete(listener)
    window.removeEventListener('storage', onStorage)
  }
}

function choose(next: ThemeChoice) {
  saveThemeChoice(storage(), next)
  setChoice(next)
}

/** The theme choice of this browser and a setter; follows the system's preference while 'system' is chosen. */
export function useTheme(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const choice = useSyncExternalStore(subscribe, getChoice, () => 'system' as const)

  useEffect(() => {
    applyTheme(resolveTheme(choice, systemPrefersDark()))
    if (choice !== 'system' || typeof window.matchMedia !== 'function') return
    const media = window.matchMedia('(prefers-color-scheme: dark)')
    const follow = () => applyTheme(resolveTheme('system', media.matches))
    media.addEventListener('change', follow)
    return () => media.removeEventListener('change', follow)
  }, [choice])

  return [choice, choose]
}

/** Applies the stored theme before the first render, so a dark page does not flash light. */
export function applyStoredTheme(): void {
  applyTheme(resolveTheme(getChoice(), systemPrefersDark()))
}
