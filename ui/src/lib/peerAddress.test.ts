import { describe, expect, it } from 'vitest'
import { peerAddressProblem } from './peerAddress'

describe('peerAddressProblem', () => {
  it.each(['192.168.1.20:7878', 'gpu-box.local:7000', ' 10.0.0.7:7878 ', '[fe80::1]:7878'])('accepts %s', (text) => {
    expect(peerAddressProblem(text)).toBeNull()
  })

  it.each([
    ['', 'Give the peer as HOST:PORT'],
    ['10.0.0.7', 'Add the port: 10.0.0.7:7878'],
    ['10.0.0.7:', 'Add the port: 10.0.0.7:7878'],
    [':7878', 'Give the host before the port'],
    ['10.0.0.7:99999', 'Port 99999 is outside 1 to 65535'],
    ['10.0.0.7:ssh', '"ssh" is not a port'],
    ['http://10.0.0.7:7878', 'not a URL'],
    ['gpu box:7878', 'no spaces'],
    ['fe80::1', 'in brackets'],
    ['[fe80::1]', 'Add the port: [fe80::1]:7878'],
  ])('%j: %s', (text, expected) => {
    expect(peerAddressProblem(text)).toContain(expected)
  })
})
