import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };
const define = { __APP_VERSION__: JSON.stringify(version) };

export default defineConfig({
  main: {
    define,
    build: {
      outDir: 'out/main',
      rollupOptions: {
        // Electron's main process, the Node host and the command line share one build, so the
        // services they run are the same code.
        input: {
          index: resolve('electron/main/index.ts'),
          host: resolve('electron/host/index.ts'),
          cli: resolve('electron/host/cli.ts'),
          services: resolve('electron/services/index.ts'),
          // Embedding inference runs in this worker thread, off the thread that serves the UI.
          'embed-worker': resolve('electron/services/embeddings/embed-worker.ts'),
          // PII detection runs in this worker thread, one per job (cancel terminates it).
          'anonymise-worker': resolve('electron/services/anonymise/anonymise-worker.ts'),
          // Untrusted PDF, DOCX, CSV and JSON files are parsed in this worker thread, which is
          // terminated when a file overruns its time or memory limits.
          'extract-worker': resolve('electron/services/library/extract-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot require modules: everything it uses is bundled into one
      // CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve('renderer/index.html') } },
    },
  },
});
