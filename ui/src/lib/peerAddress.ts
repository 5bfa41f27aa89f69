// A static peer as a person types it, checked before it is sent: quick feedback for the common slips. The node checks
// again and its message wins (it knows more, e.g. which peers are configured).

/** Why `text` is not HOST:PORT, in words to act on; null when it looks right. */
export function peerAddressProblem(text: string): string | null {
  const value = text.trim()
  if (value === '') return 'Give the peer as HOST:PORT, for example 192.168.1.20:7878'
  if (/\s/.test(value)) return 'A host name or address has no spaces'
  if (value.includes('://') || value.includes('/')) return 'Give only HOST:PORT, not a URL, for example 192.168.1.20:7878'
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(value)
  if (bracketed) {
    if (bracketed[2] === undefined || bracketed[2] === '') return `Add the port: [${bracketed[1]}]:7878`
    return portProblem(bracketed[2])
  }
  const colons = value.split(':').length - 1
  if (colons > 1) return 'Write an IPv6 address in brackets with the port, for example [fe80::1]:7878'
  if (colons === 0) return `Add the port: ${value}:7878 (7878 is the default mesh port)`
  const [host, port] = value.split(':')
  if (host === '') return 'Give the host before the port, for example 192.168.1.20:7878'
  if (port === '') return `Add the port: ${host}:7878 (7878 is the default mesh port)`
  return portProblem(port)
}

function portProblem(port: string): string | null {
  if (!/^\d+$/.test(port)) return `"${port}" is not a port: give a number from 1 to 65535`
  const n = Number(port)
  return n >= 1 && n <= 65535 ? null : `Port ${port} is outside 1 to 65535`
}
