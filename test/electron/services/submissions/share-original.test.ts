import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import { resolveItemFiles } from '../../../../electron/services/submissions/item-files';
import type { Services } from '../../../../electron/services/wiring';
import { makeTempDir } from '../../../helpers/temp-dir';
import { createDatanet, importAnonymised, OFFLINE_PROFILE, openServices, typedApi } from './helpers';

let services: Services;
let remove: () => void;
let api: ReturnType<typeof typedApi>;

beforeAll(async () => {
  const tmp = makeTempDir();
  remove = tmp.remove;
  services = await openServices(tmp.dir, { isAutomatic: false });
  await services.wallet.create({});
  await services.network.setProfile(OFFLINE_PROFILE);
  api = typedApi(services);
});
afterAll(async () => {
  await services?.close();
  remove?.();
});

const ORIGINAL = 'Patient Jane Roe, born 1961-04-02, seen for a persistent cough.';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

async function importRaw(datanetId: string, name: string, text = ORIGINAL): Promise<string> {
  const r = await services.library.importBytes({ datanetId, name, bytes: new TextEncoder().encode(text) });
  if (!r.itemId) throw new Error(`import failed: ${r.code} ${r.message}`);
  return r.itemId;
}

const consents = async () => (await api('audit.list', { channel: 'consent', limit: 100 })).entries;

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('sharing an original where anonymisation is not required', () => {
  it('never sends the original until the contributor marks it, records each decision, and stops again on unmark', async () => {
    const datanetId = await createDatanet(services, 'Open notes', { anonymisation: { required: false } });
    const itemId = await importRaw(datanetId, 'jane.txt');
    const originalSha = sha(ORIGINAL);

    // Unmarked: the only bytes there are to send are the original's, so preflight blocks the item...
    const before = await api('submissions.preflight', { datanetId, itemIds: [itemId] });
    expect(before.items[0]?.reasons.map((r) => r.code)).toEqual(['original_not_shared']);
    expect(before.items[0]?.reasons[0]?.message).toMatch(/anonymise the item.*Share original/);
    expect(before.isReady).toBe(false);
    // ...and a caller skipping the preflight gets nothing signed or queued for the validator.
    const refused = await refusal(services.submissions.submitSelection(datanetId, [itemId]));
    expect(refused.code).toBe('invalid_input');
    expect(refused.details).toMatchObject({ items: [{ itemId, reasons: [{ code: 'original_not_shared' }] }] });
    expect(await api('submissions.list', { datanetId })).toEqual([]);

    // A mark without the explicit confirmation (a renderer bug or a forged call) changes nothing.
    const unconfirmed = await refusal(api('items.setShareOriginal', { id: itemId, isShared: true }));
    expect(unconfirmed.code).toBe('invalid_input');
    expect(await api('items.shareOriginalStatus', { id: itemId })).toEqual({ id: itemId, isShared: false, markedAt: null });
    expect(await consents()).toEqual([]);

    const marked = await api('items.setShareOriginal', { id: itemId, isShared: true, confirm: true });
    expect(marked).toMatchObject({ id: itemId, isShared: true });
    expect(Date.parse(marked.markedAt ?? '')).not.toBeNaN();
    const [consent] = await consents();
    expect(consent).toMatchObject({
      source: 'host',
      channel: 'consent',
      endpoint: `consent:share-original/${datanetId}/${itemId}`,
      what: 'share original: "jane.txt" with Datanet "Open notes"',
      bytes: new TextEncoder().encode(ORIGINAL).byteLength,
      contentSha256: originalSha,
    });
    // Marking again is not a second decision.
    await api('items.setShareOriginal', { id: itemId, isShared: true, confirm: true });
    expect(await consents()).toHaveLength(1);

    const after = await api('submissions.preflight', { datanetId, itemIds: [itemId] });
    expect(after.items[0]?.reasons).toEqual([]);
    const queued = await services.submissions.submitSelection(datanetId, [itemId]);
    // What the queue posts to the validator: the original's bytes, by hash.
    expect(queued.files.map((f) => f.sha256)).toEqual([`0x${originalSha}`]);

    const unmarked = await api('items.setShareOriginal', { id: itemId, isShared: false });
    expect(unmarked).toEqual({ id: itemId, isShared: false, markedAt: null });
    expect((await consents()).map((c) => c.endpoint)).toEqual([
      `consent:unshare-original/${datanetId}/${itemId}`,
      `consent:share-original/${datanetId}/${itemId}`,
    ]);
    const again = await api('submissions.preflight', { datanetId, itemIds: [itemId] });
    expect(again.items[0]?.reasons.map((r) => r.code)).toEqual(['original_not_shared', 'already_submitted']);
  });

  it('sends an anonymised version or a DP table without any mark, and resolves the original only once marked', async () => {
    const datanetId = await createDatanet(services, 'Open tables', { anonymisation: { required: false }, dp: { required: true } });
    const note = await importAnonymised(services, datanetId, 'note.txt', 'Seen for a rash.');
    const table = (
      await services.library.importBytes({ datanetId, name: 'cohort.csv', bytes: new TextEncoder().encode('age,sex\n34,F\n51,M\n') })
    ).itemId as string;
    await services.versions.create({
      itemId: table,
      kind: 'dp',
      content: {
        kind: 'table',
        columns: ['age', 'sex'],
        rows: [
          ['34', 'M'],
          ['51', 'M'],
        ],
      },
      dpParameters: { columns: [{ column: 'sex', mechanism: 'randomized-response', epsilon: 1 }] },
    });
    const raw = await importRaw(datanetId, 'raw.txt', 'Another raw note about John Doe.');

    const result = await services.submissions.preflight(datanetId, [note, table, raw]);
    expect(result.items.map((i) => i.reasons.map((r) => r.code))).toEqual([[], [], ['original_not_shared']]);

    const resolved = await resolveItemFiles(services.db, [note, table, raw]);
    expect([note, table, raw].map((id) => resolved.get(id)?.isOriginal)).toEqual([false, false, true]);
    expect(resolved.get(raw)?.isOriginalShared).toBe(false);
    await services.handlers['items.setShareOriginal']({ id: raw, isShared: true, confirm: true });
    const shared = await resolveItemFiles(services.db, [raw]);
    expect(shared.get(raw)).toMatchObject({
      isOriginal: true,
      isOriginalShared: true,
      contentSha256: sha('Another raw note about John Doe.'),
    });
  });

  it('refuses to mark where the Datanet requires anonymisation, leaving nothing stored or logged', async () => {
    const datanetId = await createDatanet(services, 'Strict notes', { anonymisation: { required: true } });
    const itemId = await importRaw(datanetId, 'strict.txt');
    const before = (await consents()).length;
    const refused = await refusal(api('items.setShareOriginal', { id: itemId, isShared: true, confirm: true }));
    expect(refused.code).toBe('invalid_input');
    expect(refused.message).toMatch(/requires anonymisation/);
    expect((await api('items.shareOriginalStatus', { id: itemId })).isShared).toBe(false);
    expect(await consents()).toHaveLength(before);
    const result = await services.submissions.preflight(datanetId, [itemId]);
    expect(result.items[0]?.reasons.map((r) => r.code)).toEqual(['not_anonymised']);

    const missing = await refusal(api('items.setShareOriginal', { id: 'no-such-item', isShared: true, confirm: true }));
    expect(missing.code).toBe('not_found');
  });
});
