// Import throughput (hash + store + extract + index) against `sha256sum` over the same files,
// both measured in this run on the same generated corpus of .txt and .csv files.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadServices, report, seeded, tempDir } from './lib.mjs';

const FILES = 80;
const FILE_BYTES = 1_000_000;
const WORDS = 'patient admitted with chest pain reviewed by cardiology discharged on aspirin follow up in clinic two weeks'.split(' ');

/** @param {string} dir */
function makeCorpus(dir) {
  const rnd = seeded(42);
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < FILES; i++) {
    let body = '';
    if (i % 2 === 0) {
      while (body.length < FILE_BYTES) {
        let line = '';
        for (let w = 0; w < 14; w++) line += `${WORDS[Math.floor(rnd() * WORDS.length)]} `;
        body += `${line.trim()}.\n`;
      }
      writeFileSync(join(dir, `note-${i}.txt`), body.slice(0, FILE_BYTES));
    } else {
      body = 'id,age,zip,diagnosis,notes\n';
      let row = 0;
      while (body.length < FILE_BYTES) {
        body += `${row++},${20 + Math.floor(rnd() * 70)},${10000 + Math.floor(rnd() * 89999)},I${Math.floor(rnd() * 99)},"${WORDS[Math.floor(rnd() * WORDS.length)]} ${WORDS[Math.floor(rnd() * WORDS.length)]}"\n`;
      }
      writeFileSync(join(dir, `table-${i}.csv`), body);
    }
  }
  return readdirSync(dir).map((f) => join(dir, f));
}

const work = tempDir('datanet-desk-bench-import-');
try {
  const files = makeCorpus(join(work.dir, 'corpus'));
  const totalMb = files.reduce((n, f) => n + statSync(f).size, 0) / 1e6;

  // Warm the page cache for both contenders.
  execFileSync('sha256sum', files, { maxBuffer: 1 << 26 });
  const shaRuns = [];
  for (let r = 0; r < 3; r++) {
    const t0 = process.hrtime.bigint();
    execFileSync('sha256sum', files, { maxBuffer: 1 << 26 });
    shaRuns.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const shaMbps = totalMb / Math.min(...shaRuns);

  const { createServices } = await loadServices();
  /** @type {number[]} */
  const importRuns = [];
  for (let r = 0; r < 2; r++) {
    const services = await createServices({ dataDir: join(work.dir, `data-${r}`), host: 'node', version: 'bench' });
    const d = await services.datanets.create({ name: 'Bench', domain: '', description: '' });
    const t0 = process.hrtime.bigint();
    const { results } = await services.library.importPaths({ datanetId: d.id, paths: [join(work.dir, 'corpus')], importId: `b${r}` });
    importRuns.push(Number(process.hrtime.bigint() - t0) / 1e9);
    if (results.some((x) => x.status !== 'imported'))
      throw new Error(`import failed: ${JSON.stringify(results.find((x) => x.status !== 'imported'))}`);
    await services.close();
  }
  const importMbps = totalMb / Math.min(...importRuns);

  report('import', 'corpus_size', totalMb, 'MB');
  report('import', 'sha256sum_throughput', shaMbps, 'MB/s');
  report('import', 'import_throughput_txt_csv', importMbps, 'MB/s', shaMbps);
} finally {
  work.remove();
}
