import type { ItemQuality, Relevance, SearchHit } from '../../../shared/api/embeddings';
import type { Database } from '../db/database';
import { HNSW_EF_SEARCH } from './constants';
import { refreshDescription } from './datanet-description';
import type { DuplicateGate } from './duplicate-gate';
import { isCurrent, ITEM_STATE_SQL, readItemState, type ItemState } from './item-state';
import type { ModelManager } from './model-manager';
import { toVectorLiteral } from './vectors';

export type ChunkHit = { itemId: string; chunkIndex: number; snippet: string; distance: number };

/** Reads over the stored vectors: semantic search, relevance to the Datanet, an item's quality panel and coverage. */
export class EmbeddingQueries {
  constructor(
    private readonly db: Database,
    private readonly models: ModelManager,
    private readonly duplicates: DuplicateGate,
  ) {}

  /** Items closest in meaning to a query: the best chunk of each, nearest first. */
  async search(input: { datanetId?: string; query: string; k: number }): Promise<SearchHit[]> {
    const { vectors, model } = await this.models.embedTexts([input.query], { batchSize: 1, priority: 'high' });
    // Several chunks of one item can be among the nearest: fetch more, keep each item's best.
    const hits = await this.searchChunks(vectors, { ...model, datanetId: input.datanetId, limit: Math.min(1000, input.k * 5) });
    const best = new Map<string, ChunkHit>();
    for (const hit of hits) if (!best.has(hit.itemId)) best.set(hit.itemId, hit);
    const top = [...best.values()].slice(0, input.k);
    if (top.length === 0) return [];
    const { rows } = await this.db.query<{ id: string; name: string; datanet_id: string }>(
      'select id, name, datanet_id from items where id = any($1::text[])',
      [top.map((h) => h.itemId)],
    );
    const items = new Map(rows.map((r) => [r.id, r]));
    return top.flatMap((h) => {
      const item = items.get(h.itemId);
      return item
        ? [
            {
              itemId: h.itemId,
              name: item.name,
              datanetId: item.datanet_id,
              chunkIndex: h.chunkIndex,
              snippet: h.snippet,
              distance: h.distance,
            },
          ]
        : [];
    });
  }

  /**
   * Nearest chunks to a vector through the HNSW index, ordered by cosine distance. Iterative
   * index scans (pgvector 0.8) keep filtered queries (one Datanet, one model) from returning
   * fewer rows than asked when the nearest candidates belong to others.
   */
  async searchChunks(
    vector: ArrayLike<number>,
    options: { modelId: string; modelVersion: string; datanetId?: string; limit: number; efSearch?: number },
  ): Promise<ChunkHit[]> {
    const ef = Math.max(options.efSearch ?? HNSW_EF_SEARCH, Math.min(options.limit, 1000));
    const params: unknown[] = [toVectorLiteral(vector), options.modelId, options.modelVersion, options.limit];
    if (options.datanetId) params.push(options.datanetId);
    return this.db.transaction(async (tx) => {
      await tx.exec(`set local hnsw.ef_search = ${ef}; set local hnsw.iterative_scan = relaxed_order;`);
      const { rows } = await tx.query<{ item_id: string; chunk_index: number; snippet: string; distance: number }>(
        `with hits as materialized (
           select item_id, chunk_index, snippet, embedding <=> $1::vector as distance
           from embedding_chunks
           where model_id = $2 and model_version = $3 ${options.datanetId ? 'and datanet_id = $5' : ''}
           order by embedding <=> $1::vector
           limit $4)
         select * from hits order by distance, item_id, chunk_index`,
        params,
      );
      return rows.map((r) => ({ itemId: r.item_id, chunkIndex: r.chunk_index, snippet: r.snippet, distance: r.distance }));
    });
  }

  /** How well an item fits its Datanet: cosine similarity to the description and to the centroid of its other accepted items. */
  async relevance(itemId: string): Promise<Relevance> {
    const item = await readItemState(this.db, itemId);
    const empty: Relevance = { itemId, score: null, toDescription: null, toAccepted: null, acceptedCount: 0 };
    if (!item.model_id || !item.model_version) return empty;
    try {
      const active = this.models.loadedModel ?? (await this.models.activeModel());
      if (active.modelId === item.model_id && active.modelVersion === item.model_version)
        await refreshDescription(this.db, this.models, item.datanet_id, active);
    } catch {
      // No usable model: the description's stored vector (if any, of the same model) still counts.
    }
    // Accepted items: for now every item that was not rejected (review verdicts come later).
    const { rows } = await this.db.query<{ to_description: number | null; to_accepted: number | null; accepted: number }>(
      `with me as (select embedding, datanet_id, model_id, model_version from item_embeddings where item_id = $1),
         acc as (
           select avg(o.embedding) as centroid, count(*)::int as n
           from item_embeddings o join items i on i.id = o.item_id, me
           where o.datanet_id = me.datanet_id and o.item_id <> $1 and i.status <> 'rejected'
             and o.model_id = me.model_id and o.model_version = me.model_version and o.embedding is not null)
       select
         (select 1 - (me.embedding <=> d.embedding) from datanet_embeddings d
          where d.datanet_id = me.datanet_id and d.model_id = me.model_id and d.model_version = me.model_version
            and d.embedding is not null) as to_description,
         case when acc.n > 0 and me.embedding is not null then 1 - (me.embedding <=> acc.centroid) end as to_accepted,
         acc.n as accepted
       from me, acc`,
      [itemId],
    );
    const row = rows[0];
    if (!row) return empty;
    const known = [row.to_description, row.to_accepted].filter((x): x is number => x !== null && Number.isFinite(x));
    return {
      itemId,
      score: known.length ? known.reduce((a, b) => a + b, 0) / known.length : null,
      toDescription: row.to_description,
      toAccepted: row.to_accepted,
      acceptedCount: row.accepted,
    };
  }

  /** The embedding model an item's vectors were made with (for a submission manifest); null when it has none. */
  async embeddingModelOf(itemId: string): Promise<string | null> {
    const { rows } = await this.db.query<{ model_id: string }>('select model_id from item_embeddings where item_id = $1', [itemId]);
    return rows[0]?.model_id ?? null;
  }

  /** An item's embedding state, relevance, duplicates and block flag, for the item's quality panel. */
  async itemQuality(itemId: string): Promise<ItemQuality> {
    const item = await readItemState(this.db, itemId);
    const { rows } = await this.db.query<{ embedded_at: Date; chunk_count: number }>(
      'select embedded_at, chunk_count from item_embeddings where item_id = $1',
      [itemId],
    );
    const row = rows[0];
    let state: ItemQuality['state'] = 'none';
    if (row) {
      const status = await this.models.status();
      state = isCurrent(item, { modelId: status.modelId, modelVersion: status.modelVersion }) ? 'current' : 'stale';
    }
    const duplicates = await this.duplicates.duplicates(itemId);
    const isOverridden = await this.duplicates.isOverridden(itemId);
    return {
      itemId,
      state,
      embeddedAt: row ? row.embedded_at.toISOString() : null,
      chunkCount: row?.chunk_count ?? 0,
      relevance: row ? await this.relevance(itemId) : null,
      duplicates,
      isOverridden,
      isBlocked: !isOverridden && duplicates.some((d) => d.isEarlier),
    };
  }

  /** How many items of a Datanet (or of all) are embedded with the active model, and how many are out of date. */
  async coverage(datanetId?: string): Promise<{ items: number; current: number; stale: number; chunks: number }> {
    const status = await this.models.status();
    const { rows } = await this.db.query<ItemState>(
      `${ITEM_STATE_SQL} ${datanetId ? 'where i.datanet_id = $1' : ''}`,
      datanetId ? [datanetId] : [],
    );
    const current = rows.filter((r) => isCurrent(r, { modelId: status.modelId, modelVersion: status.modelVersion })).length;
    const embedded = rows.filter((r) => r.embedded_source !== null).length;
    const { rows: chunks } = await this.db.query<{ n: number }>(
      `select count(*)::int as n from embedding_chunks where model_id = $1 and model_version = $2 ${datanetId ? 'and datanet_id = $3' : ''}`,
      datanetId ? [status.modelId, status.modelVersion ?? '', datanetId] : [status.modelId, status.modelVersion ?? ''],
    );
    return { items: rows.length, current, stale: embedded - current, chunks: chunks[0]?.n ?? 0 };
  }
}
