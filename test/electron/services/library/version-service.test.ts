import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportHash } from '../../../../electron/services/library/version-service';
import { createServices, type Services } from '../../../../electron/services/wiring';
import { makeTempDir } from '../../../helpers/temp-dir';

const tmp = makeTempDir();
let services: Services;

beforeAll(async () => {
  services = await createServices({ dataDir: join(tmp.dir, 'data'), host: 'node', version: 'test', isInMemoryDatabase: true });
});
afterAll(async () => {
  await services.close();
  tmp.remove();
});

function blobCount(): number {
  const root = join(tmp.dir, 'data', 'blobs');
  return readdirSync(root)
    .filter((d) => d !== 'tmp')
    .flatMap((d) => readdirSync(join(root, d))).length;
}

describe('VersionService', () => {
  it('adds versions without touching the original, makes the newest current, and removes all with the item', async () => {
    const d = await services.datanets.create({ name: 'V', domain: '', description: '' });
    const original = 'Patient John Smith seen on 2024-03-01.';
    const imported = await services.library.importBytes({ datanetId: d.id, name: 'n.txt', bytes: new TextEncoder().encode(original) });
    const itemId = imported.itemId as string;
    const report = { counts: { PERSON: 1, DATE: 1 }, operators: { PERSON: 'placeholder' } };
    const v1 = await services.versions.create({
      itemId,
      kind: 'anonymised',
      content: { kind: 'text', text: 'Patient [PERSON_1] seen on [DATE_1].' },
      report,
    });
    expect(v1.reportHash).toBe(reportHash({ operators: { PERSON: 'placeholder' }, counts: { DATE: 1, PERSON: 1 } }));
    expect(await services.versions.readText(v1.id)).toBe('Patient [PERSON_1] seen on [DATE_1].');
    expect(await services.library.readText(itemId)).toBe(original);
    const item = await services.library.get(itemId);
    expect(item.status).toBe('anonymised');

    const table = await services.versions.create({
      itemId,
      kind: 'dp',
      parentVersionId: v1.id,
      content: { kind: 'table', columns: ['age', 'note'], rows: [['41', 'a, "quoted" note']] },
      dpParameters: { epsilon: 1 },
    });
    expect(await services.versions.readText(table.id)).toBe('age,note\n41,"a, ""quoted"" note"');
    expect((await services.versions.list(itemId)).map((v) => v.id)).toEqual([table.id, v1.id]);
    expect(blobCount()).toBe(3);

    await services.library.remove(itemId);
    expect(blobCount()).toBe(0);
    await expect(services.versions.get(v1.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses a version of an item that does not exist', async () => {
    await expect(
      services.versions.create({ itemId: 'nope', kind: 'anonymised', content: { kind: 'text', text: 'x' } }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
