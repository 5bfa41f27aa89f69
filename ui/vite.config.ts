import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import tailwindcss from '@tailwindcss/vite'

const backend = 'http://127.0.0.1:8080'

// The node serves this app at /app/ (deep links fall back to index.html).
export default defineConfig({
  base: '/app/',
  plugins: [react(), tailwindcss()],
  server: {
    proxy: {
      '/api': backend,
      '/healthz': backend,
      '/peers': backend,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // The Analytics screen's chunk (Recharts) is ~500 kB minified, ~140 kB gzipped, and loads only on that screen.
    chunkSizeWarningLimit: 600,
  },
})
