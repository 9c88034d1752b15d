import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built anonymisation worker; tests run the real one. */
export const ANONYMISE_WORKER_PATH = fileURLToPath(new URL('../../out/main/anonymise-worker.js', import.meta.url));

/** The built worker script, or a clear failure when the app has not been built. */
export function requireAnonymiseWorker(): string {
  if (!existsSync(ANONYMISE_WORKER_PATH)) {
    throw new Error('The anonymisation worker is not built (out/main/anonymise-worker.js): run `npm run build` first (npm test does).');
  }
  return ANONYMISE_WORKER_PATH;
}
