/**
 * Import under attack, through the whole service with the built extraction worker: crafted files
 * (bombs, a parser stall, memory exhaustion), a FIFO, a device, symbolic links. Each is refused
 * with its code, stores nothing, and the next import works.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../../../electron/services/wiring';
import { EXTRACTION_LIMITS } from '../../../../shared/import-rules';
import { defaultPolicy } from '../../../../shared/policy';
import { docxBomb } from '../../../helpers/attack-files';
import { requireExtractWorker } from '../../../helpers/extract-worker';
import { makeTempDir } from '../../../helpers/temp-dir';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/import');
const tmp = makeTempDir();
let services: Services;
let strict: Services;

beforeAll(async () => {
  const worker = requireExtractWorker();
  services = await createServices({
    dataDir: join(tmp.dir, 'data'),
    host: 'node',
    version: 'test',
    isInMemoryDatabase: true,
    extractWorkerPath: worker,
  });
  // A short wall time, so that a stall is quick to show.
  strict = await createServices({
    dataDir: join(tmp.dir, 'strict'),
    host: 'node',
    version: 'test',
    isInMemoryDatabase: true,
    extractWorkerPath: worker,
    extractionLimits: { ...EXTRACTION_LIMITS, timeoutMs: 3_000, maxPdfPages: 1_000_000 },
  });
});
afterAll(async () => {
  await services?.close();
  await strict?.close();
  tmp.remove();
});

async function stored(s: Services): Promise<string> {
  const { rows } = await s.db.query<{ items: number; blobs: number }>(
    'select (select count(*)::int from items) as items, (select count(*)::int from blobs) as blobs',
  );
  return JSON.stringify(rows[0]);
}

async function datanet(s: Services, name: string): Promise<string> {
  return (await s.datanets.create({ name, domain: '', description: '', policy: { ...defaultPolicy(), maxFileBytes: 100_000_000 } })).id;
}

async function importsNext(s: Services, datanetId: string): Promise<void> {
  const next = await s.library.importBytes({
    datanetId,
    name: `next-${Math.random()}.txt`,
    bytes: new TextEncoder().encode(`still works ${Math.random()}`),
  });
  expect(next.status).toBe('imported');
}

describe('import of crafted files', () => {
  it.each([
    ['page-tree-bomb.pdf', 'too_many_pages'],
    ['zip-bomb.docx', 'expanded_too_large'],
  ])('%s is refused with %s, stores nothing, and the next import works', async (name, code) => {
    const d = await datanet(services, `bomb ${name}`);
    const before = await stored(services);
    const result = await services.library.importBytes({
      datanetId: d,
      name,
      bytes: new Uint8Array(readFileSync(join(FIXTURES, 'malformed', name))),
    });
    expect(result).toMatchObject({ status: 'rejected', code });
    expect(await stored(services)).toBe(before);
    await importsNext(services, d);
  });

  it('a DOCX declaring a 2 GiB document part is refused before inflating it', async () => {
    const d = await datanet(services, 'docx bomb');
    const before = await stored(services);
    const result = await services.library.importBytes({
      datanetId: d,
      name: 'bomb.docx',
      bytes: new Uint8Array(docxBomb(2 * 1024 * 1024 * 1024)),
    });
    expect(result).toMatchObject({ status: 'rejected', code: 'expanded_too_large' });
    expect(await stored(services)).toBe(before);
    await importsNext(services, d);
  });

  it('a PDF that stalls the parser is stopped at the time limit, stores nothing, and the service keeps importing', async () => {
    const d = await datanet(strict, 'stall');
    const before = await stored(strict);
    const stall = await strict.library.importBytes({
      datanetId: d,
      name: 'stall.pdf',
      bytes: new Uint8Array(readFileSync(join(FIXTURES, 'malformed', 'page-tree-bomb.pdf'))),
    });
    expect(stall).toMatchObject({ status: 'rejected', code: 'extraction_timeout' });
    expect(await stored(strict)).toBe(before);
    await importsNext(strict, d);
  });
});

describe('import of paths that are not regular files', () => {
  it('refuses a FIFO without hanging on it, named or inside a folder', async () => {
    const d = await datanet(services, 'fifo');
    const folder = join(tmp.dir, 'fifo-folder');
    mkdirSync(folder);
    const fifo = join(folder, 'notes.txt');
    // No writer ever opens it: an import that opened it blocking would hang here until the timeout.
    execFileSync('mkfifo', [fifo]);
    writeFileSync(join(folder, 'real.txt'), 'a real note');
    const before = await stored(services);
    const named = await services.library.importPaths({ datanetId: d, paths: [fifo], importId: 'fifo-1' });
    expect(named.results).toEqual([expect.objectContaining({ path: fifo, status: 'rejected', code: 'not_regular_file' })]);
    expect(await stored(services)).toBe(before);
    const walked = await services.library.importPaths({ datanetId: d, paths: [folder], importId: 'fifo-2' });
    expect(Object.fromEntries(walked.results.map((r) => [r.path.split('/').at(-1), r.code ?? r.status]))).toEqual({
      'notes.txt': 'not_regular_file',
      'real.txt': 'imported',
    });
  });

  it('refuses a device', async () => {
    const d = await datanet(services, 'device');
    const { results } = await services.library.importPaths({ datanetId: d, paths: ['/dev/zero'], importId: 'dev' });
    expect(results).toEqual([expect.objectContaining({ status: 'rejected', code: 'not_regular_file' })]);
  });

  it('does not follow symbolic links, named or found in a folder walk, to files or folders outside it', async () => {
    const d = await datanet(services, 'links');
    const outside = join(tmp.dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'outside the chosen folder');
    const folder = join(tmp.dir, 'chosen');
    mkdirSync(folder);
    writeFileSync(join(folder, 'mine.txt'), 'inside the chosen folder');
    symlinkSync(join(outside, 'secret.txt'), join(folder, 'link-to-file.txt'));
    symlinkSync(outside, join(folder, 'link-to-folder'));
    const before = await stored(services);
    const named = await services.library.importPaths({ datanetId: d, paths: [join(folder, 'link-to-file.txt')], importId: 'l1' });
    expect(named.results).toEqual([expect.objectContaining({ status: 'rejected', code: 'symlink_refused' })]);
    expect(await stored(services)).toBe(before);
    const walked = await services.library.importPaths({ datanetId: d, paths: [folder], importId: 'l2' });
    expect(Object.fromEntries(walked.results.map((r) => [r.path.split('/').at(-1), r.code ?? r.status]))).toEqual({
      'link-to-file.txt': 'symlink_refused',
      'link-to-folder': 'symlink_refused',
      'mine.txt': 'imported',
    });
    const items = await services.library.list({ datanetId: d });
    expect(items.map((i) => i.name)).toEqual(['mine.txt']);
  });

  it('stores exactly the bytes it read: the stored original hashes to the item sha256', async () => {
    const d = await datanet(services, 'hash');
    const file = join(tmp.dir, 'hashed.csv');
    writeFileSync(file, 'a,b\n1,2\n3,4\n');
    const { results } = await services.library.importPaths({ datanetId: d, paths: [file], importId: 'h' });
    const item = await services.library.get(results[0]?.itemId as string);
    const blob = await services.blobs.get(item.sha256);
    expect(createHash('sha256').update(blob).digest('hex')).toBe(item.sha256);
    expect(Buffer.from(blob).toString()).toBe(readFileSync(file, 'utf8'));
    expect(readdirSync(join(tmp.dir, 'data', 'blobs')).length).toBeGreaterThan(0);
  });
});
