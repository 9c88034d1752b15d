import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared test model: all-MiniLM-L6-v2's shape with random weights (never assert meaning with it). */
export const TEST_MODEL_DIR = fileURLToPath(new URL('../../../shared/models/random-minilm-l6', import.meta.url));

/** The built embedding worker; tests run the real one. */
export const EMBED_WORKER_PATH = fileURLToPath(new URL('../../out/main/embed-worker.js', import.meta.url));

/** The test model's folder, or a clear failure when ../shared/models/random-minilm-l6 is absent. */
export function requireTestModel(): string {
  if (!existsSync(join(TEST_MODEL_DIR, 'onnx', 'model.onnx'))) {
    throw new Error(
      `The shared test model is missing: expected ${TEST_MODEL_DIR} (../shared/models/random-minilm-l6 next to the repository, with onnx/model.onnx).`,
    );
  }
  return TEST_MODEL_DIR;
}

/** The built worker script, or a clear failure when the app has not been built. */
export function requireEmbedWorker(): string {
  if (!existsSync(EMBED_WORKER_PATH)) {
    throw new Error('The embedding worker is not built (out/main/embed-worker.js): run `npm run build` first (npm test does).');
  }
  return EMBED_WORKER_PATH;
}
