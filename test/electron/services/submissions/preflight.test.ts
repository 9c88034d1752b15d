import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../../shared/api/dispatcher';
import type { Services } from '../../../../electron/services/wiring';
import { makeTempDir } from '../../../helpers/temp-dir';
import { createDatanet, importAnonymised, OFFLINE_PROFILE, openServices, typedApi } from './helpers';

let services: Services;
let remove: () => void;
const blocked = new Set<string>();
// The queue's clock: mid-afternoon UTC, so "resets at" is tonight's midnight.
const NOW = Date.parse('2026-03-10T15:30:00.000Z');

beforeAll(async () => {
  const tmp = makeTempDir();
  remove = tmp.remove;
  services = await openServices(tmp.dir, {
    isAutomatic: false,
    now: () => NOW,
    isBlockedDuplicate: async (itemId) => ({ isBlocked: blocked.has(itemId), message: 'near-duplicate of an accepted note' }),
  });
  await services.wallet.create({});
  await services.network.setProfile(OFFLINE_PROFILE);
});
afterAll(async () => {
  await services?.close();
  remove?.();
});

const api = () => createDispatcher(services.handlers, (e) => console.error(e));

async function importTable(datanetId: string, name: string): Promise<string> {
  const r = await services.library.importBytes({ datanetId, name, bytes: new TextEncoder().encode('age,sex\n34,F\n51,M\n') });
  return r.itemId as string;
}

describe('preflight', () => {
  it('lists every reason an item fails: not anonymised, DP missing, format, duplicate, listed twice', async () => {
    const datanetId = await createDatanet(services, 'Preflight', { dp: { required: true } });
    const ready = await importAnonymised(services, datanetId, 'ready.txt', 'Patient seen for a cough.');
    const raw = (await services.library.importBytes({ datanetId, name: 'raw.txt', bytes: new TextEncoder().encode('Patient Jane Roe') }))
      .itemId as string;
    const table = await importTable(datanetId, 'cohort.csv');
    const dup = await importAnonymised(services, datanetId, 'dup.txt', 'Another note about a rash.');
    blocked.add(dup);

    const result = await services.submissions.preflight(datanetId, [ready, raw, table, dup, ready]);
    const reasons = Object.fromEntries(result.items.map((i, n) => [`${n}:${i.name}`, i.reasons.map((r) => r.code)]));
    expect(reasons).toEqual({
      '0:ready.txt': [],
      '1:raw.txt': ['not_anonymised'],
      '2:cohort.csv': ['not_anonymised', 'dp_missing'],
      '3:dup.txt': ['blocked_duplicate'],
      '4:ready.txt': ['listed_twice'],
    });
    expect(result.isReady).toBe(false);
    expect(result.items[0]?.file).toMatchObject({ type: 'txt', isAnonymised: true, hasDp: false });
    // Every failing item's reasons say what to do, in words.
    expect(result.items[1]?.reasons[0]?.message).toMatch(/anonymis/);
  });

  it('accepts a table anonymised and noised, submitted as the CSV of its current version', async () => {
    const datanetId = await createDatanet(services, 'Tables', { dp: { required: true } });
    const table = await importTable(datanetId, 'visits.csv');
    const anonymised = await services.versions.create({
      itemId: table,
      kind: 'anonymised',
      content: {
        kind: 'table',
        columns: ['age', 'sex'],
        rows: [
          ['30-39', 'F'],
          ['50-59', 'M'],
        ],
      },
      report: { columns: { age: 'generalise' } },
    });
    await services.versions.create({
      itemId: table,
      kind: 'dp',
      parentVersionId: anonymised.id,
      content: {
        kind: 'table',
        columns: ['age', 'sex'],
        rows: [
          ['30-39', 'M'],
          ['50-59', 'M'],
        ],
      },
      dpParameters: { columns: [{ column: 'sex', mechanism: 'randomized-response', epsilon: 1 }] },
    });
    const result = await services.submissions.preflight(datanetId, [table]);
    expect(result.items[0]?.reasons).toEqual([]);
    expect(result.items[0]?.file).toMatchObject({ type: 'csv', isAnonymised: true, hasDp: true });
    const prepared = await services.submissions.prepare(datanetId, [table]);
    expect(prepared.manifest.files[0]).toMatchObject({
      type: 'csv',
      anonymisationReportHash: `0x${anonymised.reportHash}`,
      dpParameters: { columns: [{ column: 'sex', mechanism: 'randomized-response', epsilon: 1 }] },
    });
  });

  it('checks the format of what would be sent against the current policy', async () => {
    const datanetId = await createDatanet(services, 'Formats', { acceptedTypes: ['md', 'txt'] });
    const md = await importAnonymised(services, datanetId, 'note.md', '# Visit\nCough.');
    const { policy } = await services.datanets.get(datanetId);
    await services.datanets.update({ id: datanetId, policy: { ...policy, acceptedTypes: ['txt'] } });
    const result = await services.submissions.preflight(datanetId, [md]);
    expect(result.items[0]?.reasons.map((r) => r.code)).toEqual(['wrong_format']);
    expect(result.items[0]?.reasons[0]?.message).toMatch(/accepts txt; not md/);
  });
});

describe('quota before signing', () => {
  it('shows what is left today and when it resets (00:00 UTC)', async () => {
    const datanetId = await createDatanet(services, 'Quota figures', { quota: { bytesPerDay: 5000, filesPerDay: 4 } });
    const reply = await api()('submissions.quota', { datanetId });
    expect(reply).toEqual({
      ok: true,
      result: expect.objectContaining({
        day: '2026-03-10',
        resetsAt: '2026-03-11T00:00:00.000Z',
        bytesLeft: 5000,
        filesLeft: 4,
        filesPerSubmission: 20,
        usedBytes: 0,
      }),
    });
  });

  it('refuses an over-quota selection with quota_exceeded and a plan across days, signing nothing', async () => {
    const datanetId = await createDatanet(services, 'Quota', { quota: { bytesPerDay: 150, filesPerSubmission: 2 } });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await importAnonymised(services, datanetId, `n${i}.txt`, `Note ${i} ${'x'.repeat(40)}`));
    const each = (await services.submissions.preflight(datanetId, ids.slice(0, 1))).totals.bytes;
    expect(each).toBeGreaterThan(50);
    expect(each).toBeLessThan(100);

    const reply = await api()('submissions.prepare', { datanetId, itemIds: ids });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('quota_exceeded');
    const details = reply.error.details as { reasons: { limit: string }[]; plan: { batches: { day: string; itemIds: string[] }[] } };
    expect(details.reasons.map((r) => r.limit).sort()).toEqual(['bytes_per_day', 'files_per_submission']);
    expect(each * 2).toBeLessThanOrEqual(150);
    // Two fit in a day's bytes: three days.
    expect(details.plan.batches.map((b) => [b.day, b.itemIds.length])).toEqual([
      ['2026-03-10', 2],
      ['2026-03-11', 2],
      ['2026-03-12', 1],
    ]);
    expect(await services.submissions.list(datanetId)).toEqual([]);

    const plan = await typedApi(services)('submissions.plan', { datanetId, itemIds: ids });
    expect(plan.batches.flatMap((b) => b.itemIds)).toEqual(ids);
  });

  it('refuses a selection with failing items with invalid_input listing each item, signing nothing', async () => {
    const datanetId = await createDatanet(services, 'Refused');
    const raw = (await services.library.importBytes({ datanetId, name: 'raw.txt', bytes: new TextEncoder().encode('Jane Roe') }))
      .itemId as string;
    const reply = await api()('submissions.prepare', { datanetId, itemIds: [raw] });
    expect(reply).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'invalid_input',
        details: { items: [expect.objectContaining({ itemId: raw, reasons: [expect.objectContaining({ code: 'not_anonymised' })] })] },
      }),
    });
    expect(await services.submissions.list(datanetId)).toEqual([]);
  });

  it('describes what will be signed, in words and fields, before signing', async () => {
    const datanetId = await createDatanet(services, 'Prompt');
    const id = await importAnonymised(services, datanetId, 'p.txt', 'A note to sign.');
    const prepared = await typedApi(services)('submissions.prepare', { datanetId, itemIds: [id] });
    const { prompt, manifestHash, manifest } = prepared;
    expect(prompt.summary.join(' ')).toMatch(/1 file .* "Prompt" on offline-test/);
    expect(prompt.signer).toBe((await services.wallet.address()).address);
    expect(prompt.attestation.fields).toContainEqual({ label: 'manifestHash', value: manifestHash });
    expect(prompt.manifest.files[0]).toContainEqual({ label: 'sha256', value: manifest.files[0]?.sha256 });
    // What was shown is what gets signed: a stale manifest hash signs nothing.
    expect(prepared.prompt.fees.fields.map((f) => f.label)).toContain('cap: max cost per submission');
    const stale = await api()('submissions.submit', { requestId: prepared.requestId, manifestHash: `0x${'ab'.repeat(32)}` });
    expect(stale.ok === false && stale.error.code).toBe('consent_required');
    expect(await services.submissions.list(datanetId)).toEqual([]);
  });
});
