import { THEME_CHOICES, type ThemeChoice } from '../../theme'
import { useTheme } from '../../useTheme'
import { Section } from './Section'

const LABELS: Record<ThemeChoice, { label: string; hint: string }> = {
  light: { label: 'Light', hint: 'Always light' },
  dark: { label: 'Dark', hint: 'Always dark' },
  system: { label: 'System', hint: "Follows this device's setting" },
}

/** Light, dark or the system's: kept in this browser only, so each device keeps its own. */
export function ThemeSection() {
  const [choice, choose] = useTheme()
  return (
    <Section id="settings-theme" title="Theme" description="Kept in this browser; other browsers keep their own." testId="settings-theme">
      <fieldset>
        <legend className="sr-only">Theme</legend>
        <div className="flex flex-wrap gap-2">
          {THEME_CHOICES.map((value) => (
            <label
              key={value}
              className={`flex cursor-pointer items-center gap-2 rounded-lg border px-3 py-2 text-sm ${
                choice === value ? 'border-sky-500 bg-sky-50 text-sky-900' : 'border-slate-300 bg-white text-slate-700 hover:bg-slate-50'
              }`}
            >
              <input
                type="radio"
                name="theme"
                value={value}
                data-testid={`theme-${value}`}
                checked={choice === value}
                onChange={() => choose(value)}
                className="accent-sky-600"
              />
              <span className="font-medium">{LABELS[value].label}</span>
              <span className="text-slate-600">· {LABELS[value].hint}</span>
            </label>
          ))}
        </div>
      </fieldset>
    </Section>
  )
}
