import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/console', import.meta.url));

/**
 * Writes .br and .gz beside each text asset once the bundle is out, so the server sends
 * compressed files (@fastify/static `preCompressed`) without compressing per request.
 */
function precompress(): Plugin {
  return {
    name: 'incident-command-precompress',
    apply: 'build',
    closeBundle() {
      for (const dir of [outDir, join(outDir, 'assets')])
        for (const name of readdirSync(dir)) {
          if (!/\.(js|css|html|svg)$/.test(name)) continue;
          const bytes = readFileSync(join(dir, name));
          writeFileSync(join(dir, `${name}.gz`), gzipSync(bytes, { level: 9 }));
          writeFileSync(join(dir, `${name}.br`), brotliCompressSync(bytes));
        }
    },
  };
}

// The server serves dist/console at `/`; hashed assets under /assets can be cached for good.
export default defineConfig({
  root,
  base: '/',
  plugins: [react(), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
  },
});
