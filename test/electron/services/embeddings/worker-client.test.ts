import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EMBED_WORKER_FAILED, EmbedWorkerClient } from '../../../../electron/services/embeddings/worker-client';
import { requireEmbedWorker, requireTestModel } from '../../../helpers/embedding-model';
import { makeTempDir } from '../../../helpers/temp-dir';

const tmp = makeTempDir('datanet-desk-embed-client-');
afterAll(() => tmp.remove());

const SECRET_PATH = '/home/alice/Private/patient-notes.txt';

describe('embedding worker failures', () => {
  it('keeps the raw text of a failure inside the real worker in the log, and tells the user something they can read', async () => {
    const logged: string[] = [];
    const client = new EmbedWorkerClient(requireEmbedWorker(), undefined, undefined, (line) => logged.push(line));
    try {
      // A planned failure keeps its code and its message.
      await expect(client.embedTexts(['x'], { batchSize: 1 })).rejects.toMatchObject({
        code: 'unavailable',
        message: 'No embedding model is loaded.',
      });
      const dir = requireTestModel();
      await client.load({ model: dir, dtype: 'fp32', localModelPath: dirname(dir), cacheDir: tmp.dir, allowRemote: false });
      // A request the worker does not expect: it throws a TypeError of its own, an unplanned failure.
      const failure = await client.embedDocument('some text', undefined as never, { batchSize: 8 }).catch((e: unknown) => e);
      expect(failure).toMatchObject({ code: 'internal', message: EMBED_WORKER_FAILED });
      expect(logged.join('\n')).toMatch(/maxTokens/);
      expect((failure as Error).message).not.toMatch(/maxTokens|TypeError/);
    } finally {
      await client.terminate();
    }
  }, 120_000);

  it('does not pass a crashed worker’s error text (a file path, a stack) into the AppError', async () => {
    // FakeCrashingWorker: a worker thread that dies the way a broken build or a missing file would.
    const script = join(tmp.dir, 'fake-crashing-embed-worker.mjs');
    writeFileSync(
      script,
      `import { parentPort } from 'node:worker_threads';
parentPort.on('message', () => { throw new Error("ENOENT: no such file or directory, open '${SECRET_PATH}'"); });`,
    );
    const logged: string[] = [];
    const client = new EmbedWorkerClient(script, undefined, undefined, (line) => logged.push(line));
    const failure = await client.embedTexts(['x'], { batchSize: 1 }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'internal', message: EMBED_WORKER_FAILED });
    const error = failure as Error & { details?: unknown };
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(SECRET_PATH);
    expect(error.message).not.toContain(script);
    expect(logged.join('\n')).toContain(SECRET_PATH);
    expect(logged.join('\n')).toContain(script);
  });
});
