/** The dashboard's build: web/ → dist/web (hashed files under assets/), served by src/http/static.ts. */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // JSX compiled by Vite's own transform for Preact: no Babel, no framework plugin to install.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // every supported browser has <link rel=modulepreload>; the polyfill would only add bytes
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    sourcemap: false,
  },
  worker: { format: 'es' },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/cdn': 'http://127.0.0.1:3000', '/graphql': { target: 'http://127.0.0.1:3000', ws: true } } },
});
