// Vector search at 100,000 chunks through the app's own query (EmbeddingService.searchChunks, the
// HNSW index its migration creates): p50/p95 latency and recall@10 against exact search over the
// same rows, for several ef_search values, without and with the per-Datanet filter the UI uses.
// Vectors are clustered (topics), as sentence embeddings are; uniform random vectors would be a
// misleading worst case for HNSW.
import { join } from 'node:path';
import { at, loadServices, report, seeded, tempDir } from './lib.mjs';

const BENCH = 'vector-search';
const DIMS = 384;
const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 100_000);
const ITEMS = 1000;
const DATANETS = 10;
const CLUSTERS = 200;
/** Per-dimension noise around a topic centre: points of one topic have cosine ≈ 0.5 to each other. */
const NOISE = 1.0;
const QUERIES = 200;
const EF_SEARCH = [20, 40, 64, 100];
const MODEL = { modelId: 'bench-model', modelVersion: 'v1' };

const rnd = seeded(384);
function gauss() {
  return Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
}
const centres = Array.from({ length: CLUSTERS }, () => Float64Array.from({ length: DIMS }, gauss));
function point() {
  const c = at(centres, Math.floor(rnd() * CLUSTERS));
  const v = c.map((x) => x + NOISE * gauss());
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  return v.map((x) => x / norm);
}
/** @param {Float64Array} v */
const literal = (v) => `[${Array.from(v, (x) => x.toPrecision(9)).join(',')}]`;
/** @type {(xs: number[], p: number) => number} */
const percentile = (xs, p) =>
  at(
    [...xs].sort((a, b) => a - b),
    Math.min(xs.length - 1, Math.floor((p / 100) * xs.length)),
  );
/** @param {string} msg */
const log = (msg) => process.stderr.write(`${BENCH}: ${msg}\n`);

const work = tempDir('datanet-desk-bench-vectors-');
/** @type {import('../electron/services/index').Services | undefined} */
let services;
try {
  const { createServices } = await loadServices();
  services = await createServices({ dataDir: join(work.dir, 'data'), host: 'node', version: 'bench' });
  const { db, embeddings } = services;
  /** @type {string[]} */
  const datanets = [];
  for (let i = 0; i < DATANETS; i++)
    datanets.push((await services.datanets.create({ name: `Bench ${i}`, domain: '', description: '' })).id);
  await db.query(`insert into blobs (sha256, size) select lpad(to_hex(i), 64, '0'), 1 from generate_series(0, $1 - 1) as i`, [ITEMS]);
  await db.query(
    `insert into items (id, datanet_id, sha256, name, relative_path, type, media_type, kind, size)
     select 'item-' || i, ($2::text[])[1 + i % $3], lpad(to_hex(i), 64, '0'), 'n.txt', 'n.txt', 'txt', 'text/plain', 'text', 1
     from generate_series(0, $1 - 1) as i`,
    [ITEMS, datanets, DATANETS],
  );

  // The migration's index definition, dropped for the bulk load and rebuilt as is: building
  // once is how a large import would be indexed, and it measures exactly what the app ships.
  const { rows: indexRows } = await db.query("select indexdef from pg_indexes where indexname = 'embedding_chunks_hnsw'");
  const indexdef = indexRows[0].indexdef;
  log(indexdef);
  await db.exec('drop index embedding_chunks_hnsw');
  let t0 = performance.now();
  const BATCH = 2000;
  for (let start = 0; start < CHUNKS; start += BATCH) {
    const items = [];
    const indexes = [];
    const vectors = [];
    for (let i = start; i < Math.min(CHUNKS, start + BATCH); i++) {
      items.push(`item-${i % ITEMS}`);
      indexes.push(Math.floor(i / ITEMS));
      vectors.push(literal(point()));
    }
    await db.query(
      `insert into embedding_chunks (item_id, chunk_index, datanet_id, model_id, model_version, start_char, end_char, token_count, snippet, embedding)
       select u.item, u.idx, i.datanet_id, $4, $5, 0, 1, 1, '', u.vec::vector
       from unnest($1::text[], $2::int[], $3::text[]) as u(item, idx, vec) join items i on i.id = u.item`,
      [items, indexes, vectors, MODEL.modelId, MODEL.modelVersion],
    );
    if ((start / BATCH) % 10 === 0) log(`loaded ${start + BATCH} chunks`);
  }
  log(`loaded ${CHUNKS} chunks in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  await db.exec("set maintenance_work_mem = '512MB'");
  t0 = performance.now();
  await db.exec(indexdef);
  const buildSeconds = (performance.now() - t0) / 1000;
  await db.exec('reset maintenance_work_mem');
  await db.exec('vacuum analyze embedding_chunks');
  report(BENCH, 'hnsw_build_time', buildSeconds, 's');
  log(`index built in ${buildSeconds.toFixed(0)} s`);

  const queries = Array.from({ length: QUERIES }, () => ({ vector: point(), datanetId: datanets[Math.floor(rnd() * DATANETS)] }));
  /**
   * @param {Float64Array} vector
   * @param {string | undefined} datanetId
   */
  async function exact(vector, datanetId) {
    return db.transaction(async (tx) => {
      await tx.exec('set local enable_indexscan = off');
      const { rows } = await tx.query(
        `select item_id, chunk_index from embedding_chunks where model_id = $2 and model_version = $3 ${datanetId ? 'and datanet_id = $4' : ''}
         order by embedding <=> $1::vector limit 10`,
        datanetId ? [literal(vector), MODEL.modelId, MODEL.modelVersion, datanetId] : [literal(vector), MODEL.modelId, MODEL.modelVersion],
      );
      return new Set(rows.map((r) => `${r.item_id}#${r.chunk_index}`));
    });
  }
  for (const filtered of [false, true]) {
    /** @type {Set<string>[]} */
    const truth = [];
    for (const q of queries) truth.push(await exact(q.vector, filtered ? q.datanetId : undefined));
    log(`exact answers ready (${filtered ? 'one Datanet' : 'whole library'})`);
    for (const ef of EF_SEARCH) {
      const latencies = [];
      let recall = 0;
      for (const [i, q] of queries.entries()) {
        const t = performance.now();
        const hits = await embeddings.searchChunks(q.vector, {
          ...MODEL,
          limit: 10,
          efSearch: ef,
          datanetId: filtered ? q.datanetId : undefined,
        });
        latencies.push(performance.now() - t);
        recall += hits.filter((h) => at(truth, i).has(`${h.itemId}#${h.chunkIndex}`)).length / 10;
      }
      const scope = filtered ? 'datanet' : 'library';
      report(BENCH, `${scope}_ef${ef}_p50`, percentile(latencies, 50), 'ms');
      report(BENCH, `${scope}_ef${ef}_p95`, percentile(latencies, 95), 'ms');
      report(BENCH, `${scope}_ef${ef}_recall_at_10`, recall / queries.length, 'fraction');
    }
  }
} finally {
  await services?.close();
  work.remove();
}
