// DP application throughput on a generated 1-million-row CSV: the noise pass alone (CSPRNG,
// exact samplers) against a plain copy of the same rows, and the whole `dp.apply` (read the
// table, add noise, store the version, spend the ledger), all measured in this run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { at, loadServices, report, seeded, tempDir } from './lib.mjs';

const ROWS = 1_000_000;
/** @type {import('../shared/dp/column-config').ColumnDpConfig[]} */
const COLUMNS = [
  { column: 'age', treatment: 'numeric', mechanism: 'laplace', lower: 0, upper: 110, epsilonShare: 0.4 },
  { column: 'visits', treatment: 'integer', mechanism: 'discrete-laplace', lower: 0, upper: 50, epsilonShare: 0.3 },
  { column: 'sex', treatment: 'categorical', mechanism: 'randomized-response', domain: ['F', 'M', 'X'], epsilonShare: 0.3 },
];

const work = tempDir('datanet-desk-bench-dp-');
try {
  const rnd = seeded(7);
  const lines = ['id,age,visits,sex'];
  const rows = [];
  for (let i = 0; i < ROWS; i++) {
    const row = [String(i), (rnd() * 100).toFixed(1), String(Math.floor(rnd() * 20)), at(['F', 'M', 'X'], Math.floor(rnd() * 3))];
    rows.push(row);
    lines.push(row.join(','));
  }
  const file = join(work.dir, 'cohort.csv');
  writeFileSync(file, lines.join('\n'));
  const { createServices, applyDpToRows, createCsprngRandomSource } = await loadServices();
  const columns = ['id', 'age', 'visits', 'sex'];

  let t0 = process.hrtime.bigint();
  const copied = rows.map((r) => r.slice());
  const copySeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (copied.length !== ROWS) throw new Error('copy failed');

  t0 = process.hrtime.bigint();
  const noised = applyDpToRows(columns, rows, COLUMNS, { epsilon: 1, delta: 0 }, createCsprngRandomSource());
  const noiseSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (noised.rows.length !== ROWS) throw new Error('noise failed');
  report('dp', 'noise_rows_per_second', ROWS / noiseSeconds, 'rows/s', ROWS / copySeconds);

  const services = await createServices({ dataDir: join(work.dir, 'data'), host: 'node', version: 'bench' });
  try {
    const d = await services.datanets.create({ name: 'Bench', domain: '', description: '' });
    await services.datanets.update({ id: d.id, policy: { ...d.policy, maxFileBytes: 200_000_000 } });
    const imported = (await services.library.importPaths({ datanetId: d.id, paths: [file], importId: 'dp' })).results[0];
    if (imported?.status !== 'imported' || !imported.itemId) throw new Error(`import failed: ${JSON.stringify(imported)}`);
    t0 = process.hrtime.bigint();
    const table = await services.library.readTable(imported.itemId);
    const readSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    t0 = process.hrtime.bigint();
    await services.dp.apply({ itemId: imported.itemId, columns: COLUMNS, budget: { epsilon: 1, delta: 0 } });
    const applySeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    report('dp', 'apply_end_to_end_rows_per_second', ROWS / applySeconds, 'rows/s', table.rows.length / readSeconds);
  } finally {
    await services.close();
  }
} finally {
  work.remove();
}
