import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../../electron/services/db/database';
import { MIGRATION_0001 } from '../../../../electron/services/db/migrations/0001-library';
import { MIGRATION_0002 } from '../../../../electron/services/db/migrations/0002-versions';
import { MIGRATION_0004 } from '../../../../electron/services/db/migrations/0004-embeddings';

let db: Database;
const sha = (c: string) => c.repeat(64);
const vec = (x: number, dims = 384) => `[${Array.from({ length: dims }, (_, i) => (i === 0 ? 1 : x)).join(',')}]`;

beforeAll(async () => {
  db = await openDatabase(undefined, [MIGRATION_0001, MIGRATION_0002, MIGRATION_0004]);
  await db.exec(`
    insert into datanets (id, name, policy, policy_version) values ('d', 'N', '{}', 1);
    insert into blobs (sha256, size) values ('${sha('a')}', 10);
    insert into items (id, datanet_id, sha256, name, relative_path, type, media_type, kind, size)
      values ('i', 'd', '${sha('a')}', 'n.txt', 'n.txt', 'txt', 'text/plain', 'text', 10);
  `);
});
afterAll(async () => {
  await db.close();
});

describe('0004 embeddings', () => {
  it('indexes chunk and item vectors with HNSW for cosine distance', async () => {
    const { rows } = await db.query<{ indexname: string; indexdef: string }>(
      "select indexname, indexdef from pg_indexes where indexdef like '%hnsw%' order by indexname",
    );
    expect(rows.map((r) => r.indexname)).toEqual(['embedding_chunks_hnsw', 'item_embeddings_hnsw']);
    for (const r of rows) expect(r.indexdef).toContain('vector_cosine_ops');
  });

  it('stores 384-dimensional vectors only, with the model that made them', async () => {
    await db.query(
      `insert into embedding_chunks (item_id, chunk_index, datanet_id, model_id, model_version, start_char, end_char, token_count, snippet, embedding)
       values ('i', 0, 'd', 'm', 'v1', 0, 5, 3, 'hello', $1::vector)`,
      [vec(0)],
    );
    await expect(
      db.query(
        `insert into embedding_chunks (item_id, chunk_index, datanet_id, model_id, model_version, start_char, end_char, token_count, snippet, embedding)
         values ('i', 1, 'd', 'm', 'v1', 0, 5, 3, 'hello', $1::vector)`,
        [vec(0, 768)],
      ),
    ).rejects.toThrow(/dimensions/);
    await expect(
      db.query(`insert into item_embeddings (item_id, datanet_id, source_sha256, text_sha256, chunker, chunk_count)
      values ('i', 'd', 's', 't', 'c', 1)`),
    ).rejects.toThrow(/model_id/);
  });

  it('removes every vector, signature and override of an item with the item', async () => {
    await db.exec(`
      insert into item_embeddings (item_id, datanet_id, source_sha256, text_sha256, model_id, model_version, chunker, chunk_count)
        values ('i', 'd', 's', 't', 'm', 'v1', 'c', 1);
      insert into item_minhash (item_id, source_sha256, shingle_count, signature) values ('i', 's', 3, '{1,2,3}');
      insert into item_minhash_bands (item_id, band, bucket) values ('i', 0, 42);
      insert into duplicate_overrides (item_id, is_overridden) values ('i', true);
      insert into datanet_embeddings (datanet_id, text_sha256, model_id, model_version) values ('d', 't', 'm', 'v1');
      delete from items where id = 'i';
    `);
    for (const table of ['embedding_chunks', 'item_embeddings', 'item_minhash', 'item_minhash_bands', 'duplicate_overrides']) {
      const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from ${table}`);
      expect(rows[0]?.n, table).toBe(0);
    }
  });
});
