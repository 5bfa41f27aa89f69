// Runs before every test file (vitest.config.ts: setupFiles).
import { afterEach } from 'vitest'

// Unmount what a component test rendered (Testing Library only does this itself with test globals on).
afterEach(async () => {
  if (typeof document === 'undefined') return
  const { cleanup } = await import('@testing-library/react')
  cleanup()
})
