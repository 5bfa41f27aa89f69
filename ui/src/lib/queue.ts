/** What a question waiting for a busy mesh shows: its place in line on the node (1 = next). */
export function queuedText(position: number): string {
  if (position <= 1) return 'Every host is busy — yours is next in line…'
  return `Every host is busy — ${ordinal(position)} in line…`
}

function ordinal(n: number): string {
  const tens = n % 100
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')
  return `${n}${suffix}`
}
