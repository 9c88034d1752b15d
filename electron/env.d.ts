/** The app's version from package.json, inlined at build time (electron.vite.config.ts, vitest.config.ts). */
declare const __APP_VERSION__: string;
