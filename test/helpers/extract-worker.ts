import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built extraction worker; tests run the real one. */
export const EXTRACT_WORKER_PATH = fileURLToPath(new URL('../../out/main/extract-worker.js', import.meta.url));

/** The built worker script, or a clear failure when the app has not been built. */
export function requireExtractWorker(): string {
  if (!existsSync(EXTRACT_WORKER_PATH)) {
    throw new Error('The extraction worker is not built (out/main/extract-worker.js): run `npm run build` first (npm test does).');
  }
  return EXTRACT_WORKER_PATH;
}
