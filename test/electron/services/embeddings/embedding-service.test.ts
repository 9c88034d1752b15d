import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../../../shared/api/index';
import { createServices, type Services } from '../../../../electron/services/wiring';
import { requireEmbedWorker, requireTestModel } from '../../../helpers/embedding-model';
import { makeTempDir } from '../../../helpers/temp-dir';

const tmp = makeTempDir('datanet-desk-embeddings-');
let s: Services;

/** A text from its own vocabulary of made-up words, so that unrelated documents share no shingle. */
function prose(seed: number, words: number): string {
  let state = seed * 7919 + 17;
  const rnd = (): number => {
    state = (state * 48271) % 2147483647;
    return state;
  };
  const vocabulary = Array.from({ length: 80 }, () =>
    Array.from({ length: 4 + (rnd() % 5) }, () => 'bcdfghjklmnprstvwz'[rnd() % 18]! + 'aeiou'[rnd() % 5]!).join(''),
  );
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(vocabulary[rnd() % vocabulary.length]! + (i % 12 === 11 ? '.' : ''));
  return out.join(' ');
}

async function importText(datanetId: string, name: string, text: string): Promise<string> {
  const r = await s.library.importBytes({ datanetId, name, bytes: new TextEncoder().encode(text) });
  if (r.status !== 'imported' || !r.itemId) throw new Error(`import of ${name} failed: ${JSON.stringify(r)}`);
  return r.itemId;
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await s.db.query<{ n: number }>(sql, params);
  return rows[0]?.n ?? 0;
}

beforeAll(async () => {
  s = await createServices({
    dataDir: tmp.dir,
    host: 'node',
    version: 'test',
    isInMemoryDatabase: true,
    embedWorkerPath: requireEmbedWorker(),
    embeddingModelDir: requireTestModel(),
  });
});
afterAll(async () => {
  await s?.close();
  tmp.remove();
});

describe('embedding service with the real pipeline', () => {
  it('reports the configured model, usable, versioned by the sha256 of its ONNX file', async () => {
    const status = await s.embeddings.status();
    const sha = createHash('sha256')
      .update(readFileSync(join(requireTestModel(), 'onnx', 'model.onnx')))
      .digest('hex');
    expect(status).toMatchObject({ modelId: 'random-minilm-l6', source: 'configured', isUsable: true, modelVersion: sha, dtype: 'fp32' });
    expect(status.settings).toEqual({ modelId: 'Xenova/all-MiniLM-L6-v2', modelDir: null, allowNetwork: false });
  });

  it("computes the same vectors as transformers.js's feature-extraction pipeline", async () => {
    const { pipeline, env } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    const extractor = await pipeline('feature-extraction', requireTestModel(), { dtype: 'fp32' });
    const texts = ['A short one.', prose(7, 120), 'Two sentences here. And a second, longer one with more words in it.'];
    const expected = (await extractor(texts, { pooling: 'mean', normalize: true })).data as Float32Array;
    const { vectors, dims } = await s.embeddings.embedTexts(texts, { batchSize: 3 });
    expect(dims).toBe(384);
    expect(vectors).toHaveLength(expected.length);
    for (let i = 0; i < vectors.length; i++) expect(vectors[i]).toBeCloseTo(expected[i]!, 4);
    await extractor.dispose();
  });

  it('embeds each item once, records model id and version with every vector, and re-embeds only what changed', async () => {
    const d = await s.datanets.create({ name: 'Cardiology', domain: 'medicine', description: 'Discharge letters from cardiology wards.' });
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await importText(d.id, `note-${i}.txt`, prose(i + 1, 400)));
    const progress: EventPayload<'embeddings.progress'>[] = [];
    const stop = s.events.subscribe((event, payload) => {
      if (event === 'embeddings.progress') progress.push(payload as EventPayload<'embeddings.progress'>);
    });
    const first = await s.embeddings.embedDatanet({ datanetId: d.id, jobId: 'first' });
    stop();
    expect(first).toMatchObject({ itemsTotal: 4, embedded: 4, skipped: 0, failed: [], cancelled: false, modelId: 'random-minilm-l6' });
    expect(first.chunks).toBeGreaterThanOrEqual(8);
    expect(progress.at(-1)).toMatchObject({ jobId: 'first', phase: 'finished', itemsDone: 4, itemsTotal: 4, chunksDone: first.chunks });

    const { rows: models } = await s.db.query<{ model_id: string; model_version: string }>(
      'select distinct model_id, model_version from embedding_chunks where datanet_id = $1',
      [d.id],
    );
    expect(models).toEqual([{ model_id: 'random-minilm-l6', model_version: first.modelVersion }]);
    expect(await count('select count(*)::int as n from embedding_chunks where datanet_id = $1', [d.id])).toBe(first.chunks);

    const second = await s.embeddings.embedDatanet({ datanetId: d.id, jobId: 'second' });
    expect(second).toMatchObject({ embedded: 0, skipped: 4, chunks: 0 });

    // An anonymised version becomes what is embedded for that item; the others stay as they are.
    const changed = prose(99, 120);
    await s.versions.create({ itemId: ids[1]!, kind: 'anonymised', content: { kind: 'text', text: changed } });
    expect((await s.embeddings.itemQuality(ids[1]!)).state).toBe('stale');
    expect(await s.embeddings.coverage(d.id)).toMatchObject({ items: 4, current: 3, stale: 1 });
    const third = await s.embeddings.embedDatanet({ datanetId: d.id, jobId: 'third' });
    expect(third).toMatchObject({ embedded: 1, skipped: 3 });
    const { rows: snippets } = await s.db.query<{ snippet: string }>(
      'select snippet from embedding_chunks where item_id = $1 order by chunk_index limit 1',
      [ids[1]],
    );
    expect(changed.startsWith(snippets[0]!.snippet)).toBe(true);
    const quality = await s.embeddings.itemQuality(ids[1]!);
    expect(quality.state).toBe('current');
    expect(quality.chunkCount).toBeGreaterThan(0);

    const relevance = await s.embeddings.relevance(ids[0]!);
    expect(relevance.acceptedCount).toBe(3);
    for (const x of [relevance.toDescription, relevance.toAccepted, relevance.score]) {
      expect(x).toBeGreaterThanOrEqual(-1);
      expect(x).toBeLessThanOrEqual(1);
    }
  });

  it('returns k hits ordered by distance, one per item, from the chosen Datanet only', async () => {
    const a = await s.datanets.create({ name: 'Search A', domain: '', description: '' });
    const b = await s.datanets.create({ name: 'Search B', domain: '', description: '' });
    const texts = Array.from({ length: 6 }, (_, i) => prose(200 + i, 60 + i * 90));
    const ids = [];
    for (const [i, t] of texts.entries()) ids.push(await importText(a.id, `doc-${i}.txt`, t));
    await importText(b.id, 'other.txt', texts[0]!);
    await s.embeddings.embedDatanet({ jobId: 'all' });

    const hits = await s.embeddings.search({ datanetId: a.id, query: texts[0]!, k: 3 });
    expect(hits).toHaveLength(3);
    expect(new Set(hits.map((h) => h.itemId)).size).toBe(3);
    for (const h of hits) expect(h.datanetId).toBe(a.id);
    for (let i = 1; i < hits.length; i++) expect(hits[i]!.distance).toBeGreaterThanOrEqual(hits[i - 1]!.distance);
    // The same text gives the same vector (up to batch padding): a single-chunk document finds itself first.
    expect(hits[0]).toMatchObject({ itemId: ids[0], name: 'doc-0.txt', chunkIndex: 0 });
    expect(hits[0]!.distance).toBeLessThan(0.01);

    const everywhere = await s.embeddings.search({ query: texts[0]!, k: 50 });
    expect(everywhere.some((h) => h.datanetId === b.id)).toBe(true);
  });

  it('flags an exact and a near copy with kind and score, and blocks the later copy until overridden', async () => {
    // A library of its own, so that the original is the first item of all.
    const own = makeTempDir('datanet-desk-dups-');
    const services = await createServices({
      dataDir: own.dir,
      host: 'node',
      version: 'test',
      isInMemoryDatabase: true,
      embedWorkerPath: requireEmbedWorker(),
      embeddingModelDir: requireTestModel(),
    });
    const outer = s;
    s = services;
    try {
      await checkDuplicates();
    } finally {
      s = outer;
      await services.close();
      own.remove();
    }
  });

  async function checkDuplicates(): Promise<void> {
    const first = await s.datanets.create({ name: 'Dup A', domain: '', description: '' });
    const second = await s.datanets.create({ name: 'Dup B', domain: '', description: '' });
    const text = prose(300, 300);
    const words = text.split(' ');
    for (const at of [40, 120, 200, 260]) words[at] = 'replaced';
    const original = await importText(first.id, 'original.txt', text);
    const near = await importText(first.id, 'edited.txt', words.join(' '));
    const exact = await importText(second.id, 'same.md', text);
    const unrelated = await importText(first.id, 'unrelated.txt', prose(301, 300));
    await s.embeddings.embedDatanet({ jobId: 'dups' });

    const ofNear = await s.embeddings.duplicates(near);
    expect(ofNear.find((d) => d.itemId === original)).toMatchObject({ kind: 'text', isEarlier: true, name: 'original.txt' });
    expect(ofNear.find((d) => d.itemId === original)!.score).toBeGreaterThanOrEqual(0.8);
    expect(ofNear.find((d) => d.itemId === original)!.score).toBeLessThan(1);
    expect((await s.embeddings.duplicates(exact)).find((d) => d.itemId === original)).toMatchObject({
      kind: 'exact',
      score: 1,
      datanetId: first.id,
      isEarlier: true,
    });
    // Nothing in common by text (semantic overlap is not asserted: the test model's weights are random).
    const ofUnrelated = await s.embeddings.duplicates(unrelated);
    expect(ofUnrelated.filter((d) => d.kind !== 'semantic')).toEqual([]);

    expect(await s.embeddings.isBlockedDuplicate(original)).toEqual({ isBlocked: false });
    const blocked = await s.embeddings.isBlockedDuplicate(near);
    expect(blocked.isBlocked).toBe(true);
    expect(blocked.message).toContain('original.txt');
    expect(await s.embeddings.overrideDuplicate(near, true)).toEqual({ itemId: near, isOverridden: true, isBlocked: false });
    expect(await s.embeddings.itemQuality(near)).toMatchObject({ isOverridden: true, isBlocked: false, state: 'current' });
    expect((await s.embeddings.overrideDuplicate(near, false)).isBlocked).toBe(true);
  }

  it('cancels a run after the batch in progress, keeps what was stored, and finishes the rest next time', async () => {
    const d = await s.datanets.create({ name: 'Long run', domain: '', description: '' });
    for (let i = 0; i < 4; i++) await importText(d.id, `long-${i}.txt`, prose(400 + i, 600));
    let sawChunks = false;
    const stop = s.events.subscribe((event, payload) => {
      const p = payload as EventPayload<'embeddings.progress'>;
      if (event === 'embeddings.progress' && p.jobId === 'cancel-me' && p.chunksDone > 0 && !sawChunks) {
        sawChunks = true;
        expect(s.embeddings.cancel('cancel-me')).toEqual({ cancelled: true });
      }
    });
    const cancelled = await s.embeddings.embedDatanet({ datanetId: d.id, jobId: 'cancel-me' });
    stop();
    expect(sawChunks).toBe(true);
    expect(cancelled.cancelled).toBe(true);
    expect(cancelled.embedded).toBeLessThan(4);
    expect(s.embeddings.cancel('cancel-me')).toEqual({ cancelled: false });
    // No half-written item: stored chunks belong to complete items only.
    const stored = await count('select coalesce(sum(chunk_count), 0)::int as n from item_embeddings where datanet_id = $1', [d.id]);
    expect(await count('select count(*)::int as n from embedding_chunks where datanet_id = $1', [d.id])).toBe(stored);

    const rest = await s.embeddings.embedDatanet({ datanetId: d.id, jobId: 'resume' });
    expect(rest).toMatchObject({ cancelled: false, embedded: 4 - cancelled.embedded, skipped: cancelled.embedded });
    expect(await s.embeddings.coverage(d.id)).toMatchObject({ items: 4, current: 4, stale: 0 });
  });

  it('drops an item’s vectors with the item', async () => {
    const d = await s.datanets.create({ name: 'Removal', domain: '', description: '' });
    const id = await importText(d.id, 'gone.txt', prose(500, 100));
    await s.embeddings.embedDatanet({ datanetId: d.id, jobId: 'removal' });
    expect(await count('select count(*)::int as n from embedding_chunks where item_id = $1', [id])).toBeGreaterThan(0);
    await s.library.remove(id);
    expect(await count('select count(*)::int as n from embedding_chunks where item_id = $1', [id])).toBe(0);
    await expect(s.embeddings.itemQuality(id)).rejects.toMatchObject({ code: 'not_found' });
  });
});
