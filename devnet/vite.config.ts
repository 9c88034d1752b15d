import { defineConfig } from 'vite';

/**
 * Builds the devnet CLI for Node: `vite build -c devnet/vite.config.ts` → `out/devnet/cli.js`.
 * An SSR build leaves node_modules imports external, so anvil, solc and the EAS packages are
 * loaded from node_modules at run time; the Solidity sources are inlined (`?raw`).
 */
export default defineConfig({
  root: new URL('..', import.meta.url).pathname,
  logLevel: 'warn',
  build: {
    ssr: 'devnet/cli.ts',
    outDir: 'out/devnet',
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    minify: false,
    rollupOptions: { output: { format: 'es', entryFileNames: '[name].js' } },
  },
});
