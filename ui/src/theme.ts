// The colour theme, chosen per browser (light, dark, or the system's) and kept in localStorage.

export type ThemeChoice = 'light' | 'dark' | 'system'

export const THEME_KEY = 'meshmind-theme'
export const THEME_CHOICES: readonly ThemeChoice[] = ['light', 'dark', 'system']

/** The stored choice; 'system' when none (or something unreadable) is stored. */
export function readThemeChoice(storage: Pick<Storage, 'getItem'> | null | undefined): ThemeChoice {
  try {
    const value = storage?.getItem(THEME_KEY)
    return value === 'light' || value === 'dark' || value === 'system' ? value : 'system'
  } catch {
    return 'system' // storage blocked (private mode, policy)
  }
}

/** Stores the choice; false when the browser does not let us (it then lasts until the page is closed). */
export function saveThemeChoice(storage: Pick<Storage, 'setItem'> | null | undefined, choice: ThemeChoice): boolean {
  try {
    storage?.setItem(THEME_KEY, choice)
    return storage != null
  } catch {
    return false
  }
}

/** The theme to show: the choice, or the system's preference for 'system'. */
export function resolveTheme(choice: ThemeChoice, systemPrefersDark: boolean): 'light' | 'dark' {
  return choice === 'system' ? (systemPrefersDark ? 'dark' : 'light') : choice
}

/** Sets the `dark` class (which theme.css keys on) and the page's color-scheme on the root element. */
export function applyTheme(theme: 'light' | 'dark', root: HTMLElement = document.documentElement): void {
  root.classList.toggle('dark', theme === 'dark')
  root.style.colorScheme = theme
}

export function systemPrefersDark(): boolean {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function'
    ? window.matchMedia('(prefers-color-scheme: dark)').matches
    : false
}
