import { defineConfig, mergeConfig } from 'vitest/config'
import viteConfig from './vite.config.ts'

// Dates and numbers are formatted in the reader's locale and time zone. Pin both for the test
// workers (forked processes, which read these at start) so results are the same on every machine.
process.env.TZ = 'UTC'
process.env.LC_ALL = 'en_US.UTF-8'

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      include: ['src/**/*.test.{ts,tsx}'],
      // Pure logic runs in Node; a component test asks for jsdom with a `@vitest-environment jsdom` comment.
      environment: 'node',
      pool: 'forks',
      setupFiles: ['./src/test/setup.ts'],
      restoreMocks: true,
      unstubGlobals: true,
    },
  }),
)
