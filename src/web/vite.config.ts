import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { FACE_FILE_NAMES, FACE_MODEL_URL } from '../intake/face/files.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Emits sw.js (service-worker.js with this build's file list and version): every file of the build is cached at
 * install, so the app opens offline; a new build is a new version, which replaces the old cache.
 */
function serviceWorker(): Plugin {
  return {
    name: 'doithe-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = [...Object.keys(bundle), ...readdirSync(new URL('./public', import.meta.url))].filter((f) => f !== 'index.html').sort();
      // The photo check's models and wasm kernels too: the counter checks photos offline.
      const urls = ['/', '/index.html', ...files.map((f) => `/${f}`), ...FACE_FILE_NAMES.map((f) => FACE_MODEL_URL + f)];
      const version = createHash('sha256').update(urls.join('\n')).digest('hex').slice(0, 12);
      const source = readFileSync(new URL('./service-worker.js', import.meta.url), 'utf8')
        .replace('__BUILD_VERSION__', JSON.stringify(version))
        .replace('__PRECACHE_URLS__', JSON.stringify(urls));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

/** The web UI: root is src/web, the build goes to dist/web, the dev server sends /api to the Node server. */
export default defineConfig({
  root,
  base: '/',
  plugins: [react(), serviceWorker()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 700,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false },
      '/models': { target: 'http://127.0.0.1:3000', changeOrigin: false },
    },
  },
  preview: {
    port: 4173,
    proxy: {
      '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false },
      '/models': { target: 'http://127.0.0.1:3000', changeOrigin: false },
    },
  },
});
