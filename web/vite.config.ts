import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The portal's build (`npm run build:web`, or `npm start` when the sources changed) and its live-reload server
 * (`npm run dev:web`), which forwards the API to the running platform (`PORTAL_API`, default http://127.0.0.1:3000).
 */
const api = process.env.PORTAL_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
    // The DSFR's icon classes point at ~2,600 small SVG files: inlined (Vite's default under 4 KB) they made the
    // stylesheet 2 MB; as files, a page fetches only the few icons it shows.
    assetsInlineLimit: (file) => (file.endsWith('.svg') ? false : undefined),
  },
  server: {
    host: '127.0.0.1',
    port: Number(process.env.PORTAL_DEV_PORT ?? 5173),
    strictPort: false,
    proxy: { '/v1': api, '/_local': api, '/health': api, '/config.json': api },
  },
  preview: { host: '127.0.0.1' },
});
