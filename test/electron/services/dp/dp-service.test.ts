import fc from 'fast-check';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DpLedger, LOCAL_CONTRIBUTOR } from '../../../../electron/services/dp/ledger';
import { createServices, type Services } from '../../../../electron/services/wiring';
import type { ColumnDpConfig } from '../../../../shared/dp/column-config';
import { defaultPolicy, type Policy } from '../../../../shared/policy';
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

const CSV = [
  'age,sex,visits,note',
  ...Array.from({ length: 300 }, (_, i) => `${20 + (i % 60)},${i % 2 ? 'F' : 'M'},${i % 7},"free, text ${i}"`),
].join('\n');
const COLUMNS: ColumnDpConfig[] = [
  { column: 'age', treatment: 'numeric', mechanism: 'laplace', lower: 0, upper: 100, epsilonShare: 0.5 },
  { column: 'sex', treatment: 'categorical', mechanism: 'randomized-response', domain: ['F', 'M'], epsilonShare: 0.25 },
  { column: 'visits', treatment: 'integer', mechanism: 'discrete-laplace', lower: 0, upper: 10, epsilonShare: 0.25 },
];

async function tableItem(policy: Policy, name: string): Promise<string> {
  const d = await services.datanets.create({ name, domain: '', description: '', policy });
  const r = await services.library.importBytes({ datanetId: d.id, name: 'cohort.csv', bytes: new TextEncoder().encode(CSV) });
  return r.itemId as string;
}

async function stored(): Promise<{ versions: number; ledger: number; blobs: number }> {
  const { rows } = await services.db.query<{ versions: number; ledger: number; blobs: number }>(
    'select (select count(*)::int from item_versions) as versions, (select count(*)::int from dp_ledger) as ledger, (select count(*)::int from blobs) as blobs',
  );
  return rows[0] as { versions: number; ledger: number; blobs: number };
}

describe('DpService', () => {
  it('adds noise as a new version with its parameters, spends budget, and leaves the original as it was', async () => {
    const itemId = await tableItem({ ...defaultPolicy(), dp: { ...defaultPolicy().dp, totalEpsilonCap: 3 } }, 'Cohort');
    const preview = await services.dp.preview({ itemId, columns: COLUMNS, budget: { epsilon: 1, delta: 0 } });
    expect(preview.isWithinBudget).toBe(true);
    expect(preview.columns.find((c) => c.column === 'age')?.expectedAbsoluteError).toBeCloseTo(200, 0);
    const result = await services.dp.apply({ itemId, columns: COLUMNS, budget: { epsilon: 1, delta: 0 } });
    expect(result.applied.columns.map((c) => c.column)).toEqual(['age', 'sex', 'visits']);
    expect(result.applied.unchangedColumns).toEqual(['note']);
    const version = await services.versions.get(result.versionId);
    expect(version.dpParameters).toEqual(result.applied);
    expect(version.report).toEqual({ dpSummary: result.summary });
    expect(result.summary.map((c) => c.column)).toEqual(['age', 'sex', 'visits']);
    const noisy = await services.library.readTable(itemId);
    expect(noisy.versionId).toBe(result.versionId);
    expect(noisy.rows).toHaveLength(300);
    expect(noisy.rows.map((r) => r[3])).toEqual(
      CSV.split('\n')
        .slice(1)
        .map((_, i) => `free, text ${i}`),
    );
    expect(noisy.rows.some((r, i) => r[0] !== String(20 + (i % 60)))).toBe(true);
    for (const r of noisy.rows) expect(['F', 'M']).toContain(r[1]);
    const original = await services.library.get(itemId);
    expect(original.table?.rows[0]).toEqual(['20', 'M', '0', 'free, text 0']);
    const dataset = result.budget.find((s) => s.scope === 'dataset');
    expect(dataset?.spent.epsilon).toBeCloseTo(1, 9);
    expect(dataset?.remainingEpsilon).toBeCloseTo(2, 9);
  });

  it('refuses past the cap with budget_exhausted and stores nothing', async () => {
    const itemId = await tableItem({ ...defaultPolicy(), dp: { ...defaultPolicy().dp, totalEpsilonCap: 1.5 } }, 'Capped');
    await services.dp.apply({ itemId, columns: COLUMNS, budget: { epsilon: 1, delta: 0 } });
    const before = await stored();
    const preview = await services.dp.preview({ itemId, columns: COLUMNS, budget: { epsilon: 1, delta: 0 } });
    expect(preview.isWithinBudget).toBe(false);
    await expect(services.dp.apply({ itemId, columns: COLUMNS, budget: { epsilon: 1, delta: 0 } })).rejects.toMatchObject({
      code: 'budget_exhausted',
      details: { scopes: [expect.objectContaining({ scope: 'dataset', cap: 1.5 })] },
    });
    expect(await stored()).toEqual(before);
    // What still fits is allowed.
    await services.dp.apply({ itemId, columns: COLUMNS, budget: { epsilon: 0.5, delta: 0 } });
  });

  it('says that free text gets anonymisation, not DP', async () => {
    const d = await services.datanets.create({ name: 'Texts', domain: '', description: '' });
    const r = await services.library.importBytes({ datanetId: d.id, name: 'n.txt', bytes: new TextEncoder().encode('A clinical note.') });
    await expect(services.dp.preview({ itemId: r.itemId as string, columns: [], budget: { epsilon: 1, delta: 0 } })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('anonymisation'),
    });
  });

  it('keeps the ledger append-only', async () => {
    await expect(services.db.exec('update dp_ledger set epsilon = 0')).rejects.toThrow(/append-only/);
    await expect(services.db.exec('delete from dp_ledger')).rejects.toThrow(/append-only/);
  });
});

describe('DpLedger under random sequences of spends', () => {
  it('never lets any scope pass its cap, and a refused spend records nothing', async () => {
    const ledger = new DpLedger(services.db);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          cap: fc.double({ min: 0.5, max: 5, noNaN: true }),
          datanetCap: fc.option(fc.double({ min: 1, max: 8, noNaN: true }), { nil: null }),
          spends: fc.array(
            fc.record({
              dataset: fc.constantFrom('a', 'b'),
              epsilon: fc.double({ min: 0.01, max: 2, noNaN: true }),
              delta: fc.constantFrom(0, 1e-7),
            }),
            { minLength: 1, maxLength: 12 },
          ),
        }),
        async ({ cap, datanetCap, spends }) => {
          run++;
          const datanetId = `prop-${run}`;
          const policy: Policy = { ...defaultPolicy(), dp: { ...defaultPolicy().dp, totalEpsilonCap: cap, datanetEpsilonCap: datanetCap } };
          for (const s of spends) {
            const context = {
              contributor: `${LOCAL_CONTRIBUTOR}-${run}`,
              datanetId,
              datasetSha256: s.dataset.repeat(64),
              itemId: s.dataset,
            };
            const count = async () => (await ledger.list({ datanetId })).length;
            const before = await count();
            try {
              await services.db.transaction((tx) =>
                ledger.spend(tx, context, policy, [{ operation: 'p', mechanism: 'laplace', ...s }], null),
              );
              expect(await count()).toBe(before + 1);
            } catch (error) {
              expect(error).toMatchObject({ code: 'budget_exhausted' });
              expect(await count()).toBe(before);
            }
            for (const status of await ledger.status(context, policy)) {
              if (status.epsilonCap !== null) expect(status.spent.epsilon).toBeLessThanOrEqual(status.epsilonCap * (1 + 1e-12));
              expect(status.spent.delta).toBeLessThanOrEqual(status.deltaCap);
            }
          }
        },
      ),
      { numRuns: 40, seed: 20261122 },
    );
  });
});
