import { defineConfig, type Plugin } from 'vite'
import react from '@vitejs/plugin-react'
import tailwindcss from '@tailwindcss/vite'

const backend = 'http://127.0.0.1:8080'

/**
 * KaTeX's stylesheet offers each font as woff2, woff and ttf. Every browser the UI supports reads
 * woff2, so drop the other two before Vite copies them: ~300 kB of fonts in the node instead of ~1.2 MB.
 */
function katexWoff2Only(): Plugin {
  return {
    name: 'meshmind:katex-woff2-only',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]katex[\\/]dist[\\/]katex(\.min)?\.css$/.test(id)) return null
      return code.replace(/,\s*url\([^)]*\.(?:woff|ttf)\)\s*format\("(?:woff|truetype)"\)/g, '')
    },
  }
}

// The node serves this app at /app/ (deep links fall back to index.html).
export default defineConfig({
  base: '/app/',
  plugins: [katexWoff2Only(), react(), tailwindcss()],
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
    // Fonts are always files: the node's Content-Security-Policy (default-src 'self') refuses data: fonts.
    assetsInlineLimit: (file) => (/\.(woff2?|ttf)$/.test(file) ? false : undefined),
  },
})
