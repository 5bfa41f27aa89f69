// Pure logic of the Diagnostics panel: ordering findings and saying in one line how things stand.
import type { Finding, FindingLevel } from '../api/types'

const ORDER: Record<FindingLevel, number> = { error: 0, warning: 1, info: 2, ok: 3 }

/** Problems first (errors, then warnings), then notes, then what is fine; stable within a level. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => (ORDER[a.finding.level] ?? 9) - (ORDER[b.finding.level] ?? 9) || a.index - b.index)
    .map((x) => x.finding)
}

/** The findings worth reading first (errors, warnings, notes) and those that only say something is fine. */
export function splitFindings(findings: readonly Finding[]): { attention: Finding[]; passed: Finding[] } {
  const sorted = sortFindings(findings)
  return { attention: sorted.filter((f) => f.level !== 'ok'), passed: sorted.filter((f) => f.level === 'ok') }
}

/** "2 problems: 1 error, 1 warning" / "No problems found". */
export function summarizeFindings(findings: readonly Finding[]): string {
  const errors = findings.filter((f) => f.level === 'error').length
  const warnings = findings.filter((f) => f.level === 'warning').length
  const problems = errors + warnings
  if (problems === 0) return 'No problems found'
  const parts = [
    errors > 0 ? `${errors} ${errors === 1 ? 'error' : 'errors'}` : null,
    warnings > 0 ? `${warnings} ${warnings === 1 ? 'warning' : 'warnings'}` : null,
  ].filter(Boolean)
  return `${problems} ${problems === 1 ? 'problem' : 'problems'}: ${parts.join(', ')}`
}
