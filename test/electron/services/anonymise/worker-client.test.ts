import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANONYMISE_WORKER_FAILED, runInWorker } from '../../../../electron/services/anonymise/worker-client';
import { requireAnonymiseWorker } from '../../../helpers/anonymise-worker';
import { makeTempDir } from '../../../helpers/temp-dir';

const tmp = makeTempDir('datanet-desk-anonymise-client-');
afterAll(() => tmp.remove());

const SECRET_PATH = '/home/alice/Private/patient-notes.txt';

/** FakeFailingWorker / FakeCrashingWorker: worker threads that fail the way a broken build or a missing file would. */
function fakeWorker(name: string, body: string): string {
  const script = join(tmp.dir, name);
  writeFileSync(script, `import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => { ${body} });\n`);
  return script;
}

describe('anonymisation worker failures', () => {
  it('logs the raw text of an unplanned failure inside the real worker and gives the user a readable message', async () => {
    const logged: string[] = [];
    // A table request without rows: the worker throws a TypeError of its own.
    const failure = await runInWorker(
      requireAnonymiseWorker(),
      { type: 'scanTable', columns: ['name'], rows: null as never, minConfidence: 0.3 },
      { log: (line) => logged.push(line) },
    ).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'internal', message: ANONYMISE_WORKER_FAILED });
    expect(logged).toHaveLength(1);
    const raw = logged[0]?.replace(/^anonymisation worker failed: /, '') ?? '';
    expect(raw.length).toBeGreaterThan(0);
    expect((failure as Error).message).not.toContain(raw);
  });

  it('keeps a reported stack with a file path out of the AppError, and in the log', async () => {
    const stack = `Error: EACCES: permission denied, open '${SECRET_PATH}'\n    at Object.openSync (node:fs:573:18)`;
    const script = fakeWorker(
      'fake-failing-anonymise-worker.mjs',
      `parentPort.postMessage({ type: 'failed', code: 'internal', message: ${JSON.stringify(stack)} });`,
    );
    const logged: string[] = [];
    const failure = await runInWorker(script, { type: 'detectText', text: 'x', minConfidence: 0.3 }, { log: (l) => logged.push(l) }).catch(
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({ code: 'internal', message: ANONYMISE_WORKER_FAILED });
    expect(JSON.stringify(failure)).not.toContain(SECRET_PATH);
    expect((failure as Error).message).not.toMatch(/node:fs|EACCES/);
    expect(logged.join('\n')).toContain(SECRET_PATH);
  });

  it('keeps a crashed worker’s error text out of the AppError, and in the log', async () => {
    const script = fakeWorker(
      'fake-crashing-anonymise-worker.mjs',
      `throw new Error("ENOENT: no such file or directory, open '${SECRET_PATH}'");`,
    );
    const logged: string[] = [];
    const failure = await runInWorker(script, { type: 'detectText', text: 'x', minConfidence: 0.3 }, { log: (l) => logged.push(l) }).catch(
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({ code: 'internal', message: ANONYMISE_WORKER_FAILED });
    expect((failure as Error).message).not.toContain(SECRET_PATH);
    expect((failure as Error).message).not.toContain(script);
    expect(logged.join('\n')).toContain(SECRET_PATH);
  });

  it('passes a planned failure through with its code, message and details', async () => {
    const script = fakeWorker(
      'fake-refusing-anonymise-worker.mjs',
      `parentPort.postMessage({ type: 'failed', code: 'k_anonymity_violation', message: 'Groups smaller than k=5.', details: { groups: 2 } });`,
    );
    const logged: string[] = [];
    const failure = await runInWorker(script, { type: 'detectText', text: 'x', minConfidence: 0.3 }, { log: (l) => logged.push(l) }).catch(
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({ code: 'k_anonymity_violation', message: 'Groups smaller than k=5.', details: { groups: 2 } });
    expect(logged).toEqual([]);
  });
});
