import type { Duplicate } from '../../../shared/api/embeddings';
import type { Database } from '../db/database';
import { HNSW_EF_SEARCH, SEMANTIC_DUPLICATE_THRESHOLD, TEXT_DUPLICATE_THRESHOLD } from './constants';
import { readItemState } from './item-state';
import { estimateJaccard, isEmptySignature } from './minhash';

/**
 * Near-duplicate detection (MinHash LSH over word shingles for text overlap, cosine of item
 * vectors for semantic overlap) and the gate it puts on submissions, with the user's override.
 * Reads only what embedding runs stored.
 */
export class DuplicateGate {
  constructor(private readonly db: Database) {}

  /** Items that duplicate this one: the same text, shingle overlap above the MinHash threshold, or near-identical meaning. */
  async duplicates(itemId: string): Promise<Duplicate[]> {
    const me = await readItemState(this.db, itemId);
    const found = new Map<string, { kind: Duplicate['kind']; score: number }>();
    const add = (id: string, kind: Duplicate['kind'], score: number): void => {
      const rank = { exact: 3, text: 2, semantic: 1 } as const;
      const had = found.get(id);
      if (!had || rank[kind] > rank[had.kind]) found.set(id, { kind, score });
    };

    const { rows: exact } = await this.db.query<{ item_id: string }>(
      `select o.item_id from item_embeddings o join item_embeddings me on me.item_id = $1
       where o.text_sha256 = me.text_sha256 and o.item_id <> $1`,
      [itemId],
    );
    for (const r of exact) add(r.item_id, 'exact', 1);

    const { rows: mine } = await this.db.query<{ signature: number[]; shingle_count: number }>(
      'select signature, shingle_count from item_minhash where item_id = $1',
      [itemId],
    );
    const signature = mine[0];
    if (signature && signature.shingle_count > 0 && !isEmptySignature(signature.signature)) {
      const { rows: candidates } = await this.db.query<{ item_id: string; signature: number[] }>(
        `select m.item_id, m.signature from item_minhash m where m.item_id in (
           select distinct o.item_id from item_minhash_bands x
           join item_minhash_bands o on o.band = x.band and o.bucket = x.bucket and o.item_id <> x.item_id
           where x.item_id = $1)`,
        [itemId],
      );
      for (const c of candidates) {
        const j = estimateJaccard(signature.signature, c.signature);
        if (j >= TEXT_DUPLICATE_THRESHOLD) add(c.item_id, 'text', j);
      }
    }

    if (me.model_id && me.model_version) {
      const { rows: near } = await this.db.transaction(async (tx) => {
        await tx.exec(`set local hnsw.ef_search = ${HNSW_EF_SEARCH}; set local hnsw.iterative_scan = relaxed_order;`);
        return tx.query<{ item_id: string; similarity: number }>(
          `select item_id, 1 - (embedding <=> (select embedding from item_embeddings where item_id = $1)) as similarity
           from item_embeddings
           where item_id <> $1 and model_id = $2 and model_version = $3 and embedding is not null
           order by embedding <=> (select embedding from item_embeddings where item_id = $1)
           limit 20`,
          [itemId, me.model_id, me.model_version],
        );
      });
      for (const r of near) if (r.similarity >= SEMANTIC_DUPLICATE_THRESHOLD) add(r.item_id, 'semantic', r.similarity);
    }

    if (found.size === 0) return [];
    const { rows: others } = await this.db.query<{ id: string; name: string; datanet_id: string; created_at: Date }>(
      'select id, name, datanet_id, created_at from items where id = any($1::text[])',
      [[...found.keys()]],
    );
    return others
      .map((o) => {
        const f = found.get(o.id) as { kind: Duplicate['kind']; score: number };
        const isEarlier = o.created_at < me.created_at || (o.created_at.getTime() === me.created_at.getTime() && o.id < me.id);
        return { itemId: o.id, name: o.name, datanetId: o.datanet_id, kind: f.kind, score: f.score, isEarlier };
      })
      .sort((a, b) => b.score - a.score || a.itemId.localeCompare(b.itemId));
  }

  /** Whether the user chose to submit this item although it is flagged. */
  async isOverridden(itemId: string): Promise<boolean> {
    const { rows } = await this.db.query<{ is_overridden: boolean }>('select is_overridden from duplicate_overrides where item_id = $1', [
      itemId,
    ]);
    return rows[0]?.is_overridden === true;
  }

  /**
   * Whether a submission must leave this item out: it duplicates an item that came before it
   * and the user has not overridden the flag. Uses the stored analysis (run an embedding first).
   */
  async isBlockedDuplicate(itemId: string): Promise<{ isBlocked: boolean; message?: string }> {
    const earlier = (await this.duplicates(itemId)).filter((d) => d.isEarlier);
    if (earlier.length === 0 || (await this.isOverridden(itemId))) return { isBlocked: false };
    const first = earlier[0] as Duplicate;
    const how =
      first.kind === 'exact' ? 'the same text as' : first.kind === 'text' ? 'mostly the same words as' : 'nearly the same meaning as';
    return { isBlocked: true, message: `It has ${how} "${first.name}" (${Math.round(first.score * 100)} %).` };
  }

  /** Lets a flagged duplicate be submitted anyway, or takes that back. */
  async overrideDuplicate(itemId: string, isOverridden: boolean): Promise<{ itemId: string; isOverridden: boolean; isBlocked: boolean }> {
    await readItemState(this.db, itemId);
    await this.db.query(
      `insert into duplicate_overrides (item_id, is_overridden) values ($1, $2)
       on conflict (item_id) do update set is_overridden = excluded.is_overridden, updated_at = now()`,
      [itemId, isOverridden],
    );
    const { isBlocked } = await this.isBlockedDuplicate(itemId);
    return { itemId, isOverridden, isBlocked };
  }
}
