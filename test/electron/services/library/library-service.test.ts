import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../../../electron/services/wiring';
import { defaultPolicy } from '../../../../shared/policy';
import { makeTempDir } from '../../../helpers/temp-dir';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/import', import.meta.url));
const tmp = makeTempDir();
const dataDir = join(tmp.dir, 'data');
let services: Services;

function blobFiles(): string[] {
  const root = join(dataDir, 'blobs');
  return readdirSync(root)
    .filter((d) => d !== 'tmp')
    .flatMap((d) => readdirSync(join(root, d)));
}

async function counts(): Promise<{ items: number; blobs: number }> {
  const { rows } = await services.db.query<{ items: number; blobs: number }>(
    'select (select count(*)::int from items) as items, (select count(*)::int from blobs) as blobs',
  );
  return rows[0] as { items: number; blobs: number };
}

beforeAll(async () => {
  services = await createServices({ dataDir, host: 'node', version: 'test' });
});
afterAll(async () => {
  await services.close();
  tmp.remove();
});

describe('LibraryService on PGlite on disk', () => {
  it('imports the good samples, stores each original once by sha256, and reports the same bytes again as duplicates', async () => {
    const d = await services.datanets.create({ name: 'Good', domain: '', description: '' });
    const first = await services.library.importPaths({ datanetId: d.id, paths: [join(FIXTURES, 'good')], importId: 'good-1' });
    const goodCount = readdirSync(join(FIXTURES, 'good')).length;
    expect(first.results).toHaveLength(goodCount);
    expect(first.results.filter((r) => r.status === 'imported')).toHaveLength(goodCount);
    const again = await services.library.importPaths({ datanetId: d.id, paths: [join(FIXTURES, 'good')], importId: 'good-2' });
    expect(again.results.every((r) => r.status === 'duplicate' && r.itemId)).toBe(true);
    expect((await services.library.list({ datanetId: d.id })).length).toBe(goodCount);
    // The same bytes in a second Datanet are a second item but one stored original.
    const other = await services.datanets.create({ name: 'Other', domain: '', description: '' });
    const plain = join(FIXTURES, 'good', 'plain.txt');
    expect((await services.library.importPaths({ datanetId: other.id, paths: [plain], importId: 'o' })).results[0]?.status).toBe(
      'imported',
    );
    const c = await counts();
    expect(c.blobs).toBe(goodCount);
    expect(blobFiles()).toHaveLength(goodCount);
  });

  it('refuses every malformed sample with its code and stores nothing for it', async () => {
    const d = await services.datanets.create({ name: 'Malformed', domain: '', description: '' });
    const before = await counts();
    const files = blobFiles().length;
    const { results } = await services.library.importPaths({ datanetId: d.id, paths: [join(FIXTURES, 'malformed')], importId: 'bad' });
    expect(results.length).toBe(readdirSync(join(FIXTURES, 'malformed')).length);
    for (const r of results) {
      expect(r.status, r.path).toBe('rejected');
      expect(r.code, r.path).toMatch(/^[a-z_]+$/);
      expect(r.message, r.path).toBeTruthy();
    }
    const byName = Object.fromEntries(results.map((r) => [r.path.split('/').at(-1), r.code]));
    expect(byName).toMatchObject({
      'empty.txt': 'empty_file',
      'latin1.txt': 'undecodable_text',
      'encrypted.pdf': 'encrypted_pdf',
      'scanned.pdf': 'pdf_no_text',
      'corrupt.pdf': 'corrupt_pdf',
      'zip-renamed.docx': 'invalid_docx',
      'ragged.csv': 'malformed_csv',
      'bad.json': 'malformed_json',
      'unsupported.png': 'unsupported_type',
    });
    expect(await counts()).toEqual(before);
    expect(blobFiles()).toHaveLength(files);
  });

  it('applies the Datanet policy: accepted types and the size limit, before reading the file', async () => {
    const d = await services.datanets.create({
      name: 'Strict',
      domain: '',
      description: '',
      policy: { ...defaultPolicy(), acceptedTypes: ['csv'], maxFileBytes: 1000 },
    });
    const folder = join(tmp.dir, 'strict');
    mkdirSync(folder);
    writeFileSync(join(folder, 'note.txt'), 'hello');
    writeFileSync(join(folder, 'big.csv'), `a,b\n${'1,2\n'.repeat(400)}`);
    writeFileSync(join(folder, 'ok.csv'), 'a,b\n1,2\n');
    const { results } = await services.library.importPaths({ datanetId: d.id, paths: [folder], importId: 'strict' });
    expect(Object.fromEntries(results.map((r) => [r.path.split('/').at(-1), r.code ?? r.status]))).toEqual({
      'big.csv': 'file_too_large',
      'note.txt': 'type_not_accepted',
      'ok.csv': 'imported',
    });
  });

  it('refuses file names with control characters or separators, and keeps unicode names as given', async () => {
    const d = await services.datanets.create({ name: 'Names', domain: '', description: '' });
    const bytes = new TextEncoder().encode('Clinic letter.');
    const nl = await services.library.importBytes({ datanetId: d.id, name: 'evil\nname.txt', bytes });
    expect(nl).toMatchObject({ status: 'rejected', code: 'invalid_file_name' });
    const sep = await services.library.importBytes({ datanetId: d.id, name: '../../etc/passwd.txt', bytes });
    expect(sep).toMatchObject({ status: 'rejected', code: 'invalid_file_name' });
    const ok = await services.library.importBytes({ datanetId: d.id, name: 'Zoë – دفتر 😀.txt', bytes });
    expect(ok.status).toBe('imported');
    const item = await services.library.get(ok.itemId as string);
    expect(item.name).toBe('Zoë – دفتر 😀.txt');
    expect(item.textPreview).toBe('Clinic letter.');
  });

  it('reports progress per file and stops after the file in flight when cancelled', async () => {
    const d = await services.datanets.create({ name: 'Cancel', domain: '', description: '' });
    const folder = join(tmp.dir, 'many');
    mkdirSync(folder);
    for (let i = 0; i < 30; i++) writeFileSync(join(folder, `n${String(i).padStart(2, '0')}.txt`), `note ${i}`);
    const seen: number[] = [];
    const run = await services.library.importPaths({ datanetId: d.id, paths: [folder], importId: 'cancel-me' }, (p) => {
      seen.push(p.done);
      if (p.done === 5) services.library.cancelImport('cancel-me');
    });
    expect(run.cancelled).toBe(true);
    // The files already in flight when Cancel arrives finish; nothing after them starts.
    expect(run.results.length).toBeGreaterThanOrEqual(5);
    expect(run.results.length).toBeLessThan(10);
    expect(seen).toEqual(run.results.map((_, i) => i + 1));
    expect((await services.library.list({ datanetId: d.id })).length).toBe(run.results.length);
  });

  it('removes an item and its original when nothing else refers to it, and filters the list', async () => {
    const d = await services.datanets.create({ name: 'Remove', domain: '', description: '' });
    const folder = join(tmp.dir, 'remove');
    cpSync(join(FIXTURES, 'good', 'records.jsonl'), join(folder, 'records.jsonl'), { recursive: true });
    writeFileSync(join(folder, 'unique-note.md'), `# unique ${Date.now()}`);
    const { results } = await services.library.importPaths({ datanetId: d.id, paths: [folder], importId: 'rm' });
    expect((await services.library.list({ datanetId: d.id, kind: 'table' })).map((i) => i.name)).toEqual(['records.jsonl']);
    expect((await services.library.list({ datanetId: d.id, query: 'UNIQUE' })).map((i) => i.name)).toEqual(['unique-note.md']);
    expect((await services.library.list({ datanetId: d.id, query: '%' })).length).toBe(0);
    const md = results.find((r) => r.path.endsWith('.md'));
    const files = blobFiles().length;
    await services.library.remove(md?.itemId as string);
    expect(blobFiles()).toHaveLength(files - 1);
    await expect(services.library.get(md?.itemId as string)).rejects.toMatchObject({ code: 'not_found' });
    await expect(services.datanets.remove(d.id)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('refuses a second process on the same data folder, and keeps everything across a reopen', async () => {
    await expect(createServices({ dataDir, host: 'node', version: 'test' })).rejects.toMatchObject({ code: 'unavailable' });
    const before = await services.library.list({});
    await services.close();
    services = await createServices({ dataDir, host: 'node', version: 'test' });
    const after = await services.library.list({});
    expect(after.map((i) => i.id).sort()).toEqual(before.map((i) => i.id).sort());
  });
});
