import { open } from 'node:fs/promises';
import type { EmbedResult } from '../../../shared/api/embeddings';
import { AppError, isAppError } from '../../../shared/errors';
import type { Database } from '../db/database';
import type { EventBus } from '../events';
import type { LibraryService } from '../library/library-service';
import type { VersionService } from '../library/version-service';
import type { BlobStore } from '../storage/blob-store';
import { CHUNKER_ID, CHUNKING, EMBED_BATCH_SIZE, MAX_TEXT_CHARS, SNIPPET_CHARS } from './constants';
import { refreshDescription } from './datanet-description';
import { isCurrent, ITEM_STATE_SQL, type ItemState } from './item-state';
import { lshBuckets } from './minhash';
import type { ActiveModel, ModelManager } from './model-manager';
import type { PreparedDocument } from './worker-protocol';
import { meanVector, toVectorLiteral } from './vectors';

type Prepared =
  | { ok: true; item: ItemState; text: string; document: PreparedDocument; vectors: Float32Array; dims: number }
  | { ok: false; item: ItemState; error: AppError };

export type IndexJobsDeps = {
  db: Database;
  library: LibraryService;
  versions: VersionService;
  blobs: BlobStore;
  events: EventBus;
  models: ModelManager;
  batchSize?: number;
};

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function pgCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;
}

/**
 * Embedding runs: the items whose content, model or chunking changed are chunked and embedded in
 * the worker and written with their MinHash signature, one run at a time, with progress events
 * and cancellation.
 */
export class IndexJobs {
  private readonly jobs = new Map<string, AbortController>();
  private jobChain: Promise<unknown> = Promise.resolve();
  private hasCleanedOrphans = false;
  private readonly lastChanged = new Map<string, number>();

  constructor(private readonly deps: IndexJobsDeps) {}

  /** Embeds the items of a Datanet (or of all) whose content, model or chunking changed since their last embedding. */
  async embedDatanet(input: { datanetId?: string; jobId: string }): Promise<EmbedResult> {
    if (this.jobs.has(input.jobId)) throw new AppError('conflict', 'An embedding run with this id is already running.');
    if (input.datanetId) {
      const { rows } = await this.deps.db.query('select 1 from datanets where id = $1', [input.datanetId]);
      if (rows.length === 0)
        throw new AppError('not_found', 'That Datanet does not exist (it may have been deleted).', { id: input.datanetId });
    }
    const controller = new AbortController();
    this.jobs.set(input.jobId, controller);
    // One run at a time: two runs over the same items would embed them twice.
    const run = this.jobChain.then(() => this.runJob(input.jobId, input.datanetId ?? null, controller.signal));
    this.jobChain = run.catch(() => undefined);
    try {
      return await run;
    } finally {
      this.jobs.delete(input.jobId);
    }
  }

  /** Cancels a queued or running embedding run; false when none runs under that id. */
  cancel(jobId: string): { cancelled: boolean } {
    const controller = this.jobs.get(jobId);
    controller?.abort();
    return { cancelled: controller !== undefined };
  }

  /** Cancels every run and waits until the last one has stopped. */
  async stopAll(): Promise<void> {
    for (const controller of this.jobs.values()) controller.abort();
    await this.jobChain;
  }

  private async runJob(jobId: string, datanetId: string | null, signal: AbortSignal): Promise<EmbedResult> {
    const { db, events, models } = this.deps;
    const progress = { jobId, datanetId, itemsDone: 0, itemsTotal: 0, chunksDone: 0, itemId: null as string | null };
    const emit = (phase: 'loading' | 'embedding' | 'finished' | 'cancelled' | 'failed'): void =>
      events.emit('embeddings.progress', { ...progress, phase });
    const result: EmbedResult = {
      jobId,
      itemsTotal: 0,
      embedded: 0,
      skipped: 0,
      failed: [],
      chunks: 0,
      cancelled: false,
      modelId: '',
      modelVersion: '',
    };
    if (signal.aborted) {
      emit('cancelled');
      return { ...result, cancelled: true };
    }
    emit('loading');
    let model: ActiveModel;
    try {
      model = await models.activeModel();
    } catch (error) {
      emit('failed');
      throw error;
    }
    result.modelId = model.modelId;
    result.modelVersion = model.modelVersion;
    await this.cleanOrphanChunks();

    const { rows: items } = await db.query<ItemState>(
      `${ITEM_STATE_SQL} ${datanetId ? 'where i.datanet_id = $1' : ''} order by i.created_at, i.id`,
      datanetId ? [datanetId] : [],
    );
    const todo = items.filter((item) => !isCurrent(item, model));
    progress.itemsTotal = result.itemsTotal = items.length;
    result.skipped = items.length - todo.length;
    progress.itemsDone = result.skipped;
    emit('embedding');

    const touched = new Set<string>();
    // Chunks embedded of items not yet stored, so that progress counts what the worker did.
    const inFlight = new Map<string, number>();
    const onChunks = (itemId: string, done: number): void => {
      inFlight.set(itemId, done);
      progress.chunksDone = result.chunks + [...inFlight.values()].reduce((a, b) => a + b, 0);
      emit('embedding');
    };
    try {
      for (const id of new Set(items.map((i) => i.datanet_id))) {
        try {
          await refreshDescription(db, models, id, model, signal);
        } catch (error) {
          // Relevance to the description is then unknown; the items still get embedded.
          if (signal.aborted) break;
          if (!isAppError(error)) console.error(error);
        }
      }
      // One item is prepared and embedded in the worker while the previous one is written here.
      const start = (item: ItemState | undefined): Promise<Prepared> | undefined =>
        item && !signal.aborted ? this.prepare(item, model, signal, (done) => onChunks(item.id, done)) : undefined;
      let next = start(todo[0]);
      for (let i = 0; i < todo.length && next; i++) {
        const prepared = await next;
        if (signal.aborted) break;
        next = start(todo[i + 1]);
        progress.itemId = prepared.item.id;
        if (prepared.ok) {
          try {
            await this.storeItem(prepared, model, signal);
            result.embedded++;
            result.chunks += prepared.document.chunks.length;
            touched.add(prepared.item.datanet_id);
            this.changed(prepared.item.datanet_id, false);
          } catch (error) {
            if (signal.aborted) break;
            result.failed.push({ itemId: prepared.item.id, ...this.describe(error) });
          }
        } else if (prepared.error.code === 'cancelled' && signal.aborted) {
          break;
        } else {
          result.failed.push({ itemId: prepared.item.id, code: prepared.error.code, message: prepared.error.message });
        }
        inFlight.delete(prepared.item.id);
        progress.chunksDone = result.chunks + [...inFlight.values()].reduce((a, b) => a + b, 0);
        progress.itemsDone++;
        emit('embedding');
      }
      // A prepared item left over by a cancel: its rejection is expected.
      if (next) void next.catch(() => undefined);
    } finally {
      for (const id of touched) this.changed(id, true);
    }
    result.cancelled = signal.aborted;
    emit(result.cancelled ? 'cancelled' : 'finished');
    return result;
  }

  private describe(error: unknown): { code: EmbedResult['failed'][number]['code']; message: string } {
    if (isAppError(error)) return { code: error.code, message: error.message };
    if (pgCode(error) === '23503') return { code: 'not_found', message: 'The item was deleted during the run.' };
    return { code: 'internal', message: 'The item could not be embedded.' };
  }

  /** Announces changed vectors of a Datanet, at most once a second during a run (renderers refetch on it). */
  private changed(datanetId: string, isFinal: boolean): void {
    const now = Date.now();
    if (!isFinal && now - (this.lastChanged.get(datanetId) ?? 0) < 1000) return;
    this.lastChanged.set(datanetId, now);
    this.deps.events.emit('embeddings.changed', { datanetId });
  }

  /** Chunks left by a run that stopped before its item was complete (a crash) are invisible to nothing else; they go once per process. */
  private async cleanOrphanChunks(): Promise<void> {
    if (this.hasCleanedOrphans) return;
    this.hasCleanedOrphans = true;
    await this.deps.db.query(
      `delete from embedding_chunks c where not exists (
         select 1 from item_embeddings e where e.item_id = c.item_id and e.model_id = c.model_id and e.model_version = c.model_version)`,
    );
  }

  /** The text to embed: the current version when there is one (anonymised content), else the original. */
  private async readSource(item: ItemState): Promise<string> {
    if (item.current_version_id) return (await this.deps.versions.readText(item.current_version_id)).slice(0, MAX_TEXT_CHARS);
    if (item.kind === 'text') return (await this.deps.library.readText(item.id)).slice(0, MAX_TEXT_CHARS);
    // A table's original is CSV or JSON text; only its beginning is read (a table can be 200 MB).
    const file = await open(this.deps.blobs.pathOf(item.sha256), 'r');
    try {
      const buffer = Buffer.alloc(MAX_TEXT_CHARS);
      const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
      return new TextDecoder().decode(buffer.subarray(0, bytesRead)).slice(0, MAX_TEXT_CHARS);
    } finally {
      await file.close();
    }
  }

  private async prepare(item: ItemState, model: ActiveModel, signal: AbortSignal, onChunks: (done: number) => void): Promise<Prepared> {
    try {
      const text = await this.readSource(item);
      // Loaded already, unless the worker died during the run: then a new one loads the model.
      const active = await this.deps.models.activeModel();
      if (active.modelId !== model.modelId || active.modelVersion !== model.modelVersion) {
        throw new AppError('conflict', 'The embedding model changed during the run; embed again.');
      }
      const { document, vectors, dims } = await this.deps.models.client().embedDocument(text, CHUNKING, {
        batchSize: this.deps.batchSize ?? EMBED_BATCH_SIZE,
        signal,
        onProgress: (done) => onChunks(done),
      });
      return { ok: true, item, text, document, vectors, dims };
    } catch (error) {
      const appError = isAppError(error) ? error : new AppError('internal', 'The item could not be read or embedded.');
      if (!isAppError(error)) console.error(error);
      return { ok: false, item, error: appError };
    }
  }

  /**
   * Writes an item's chunks one row at a time, yielding between rows: PGlite runs on this
   * thread and each HNSW insert costs milliseconds, so a batch insert would stall the UI.
   * The item's summary row goes last and marks the embedding complete.
   */
  private async storeItem(p: Extract<Prepared, { ok: true }>, model: ActiveModel, signal: AbortSignal): Promise<void> {
    const { db } = this.deps;
    const { item, text, document, vectors, dims } = p;
    await db.transaction(async (tx) => {
      await tx.query('delete from item_embeddings where item_id = $1', [item.id]);
      await tx.query('delete from embedding_chunks where item_id = $1', [item.id]);
    });
    for (let c = 0; c < document.chunks.length; c++) {
      if (signal.aborted) {
        await db.query('delete from embedding_chunks where item_id = $1', [item.id]);
        throw new AppError('cancelled', 'Cancelled.');
      }
      const chunk = document.chunks[c] as PreparedDocument['chunks'][number];
      await db.query(
        `insert into embedding_chunks (item_id, chunk_index, datanet_id, model_id, model_version, start_char, end_char, token_count, snippet, embedding)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::vector)`,
        [
          item.id,
          c,
          item.datanet_id,
          model.modelId,
          model.modelVersion,
          chunk.start,
          chunk.end,
          chunk.tokens,
          text.slice(chunk.start, Math.min(chunk.end, chunk.start + SNIPPET_CHARS)).replaceAll('\u0000', ''),
          toVectorLiteral(vectors.subarray(c * dims, (c + 1) * dims)),
        ],
      );
      await yieldToEventLoop();
    }
    const mean = meanVector(vectors, dims);
    const buckets = lshBuckets(document.signature);
    await db.transaction(async (tx) => {
      await tx.query(
        `insert into item_embeddings (item_id, datanet_id, source_sha256, version_id, text_sha256, model_id, model_version, chunker,
           chunk_count, is_truncated, embedding)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::vector)`,
        [
          item.id,
          item.datanet_id,
          item.source_sha256,
          item.current_version_id,
          document.textSha256,
          model.modelId,
          model.modelVersion,
          CHUNKER_ID,
          document.chunks.length,
          document.isTruncated,
          mean ? toVectorLiteral(mean) : null,
        ],
      );
      await tx.query(
        `insert into item_minhash (item_id, source_sha256, shingle_count, signature) values ($1, $2, $3, $4::integer[])
         on conflict (item_id) do update set source_sha256 = excluded.source_sha256, shingle_count = excluded.shingle_count,
           signature = excluded.signature`,
        [item.id, item.source_sha256, document.shingleCount, `{${Array.from(document.signature, (x) => x | 0).join(',')}}`],
      );
      await tx.query('delete from item_minhash_bands where item_id = $1', [item.id]);
      if (document.shingleCount > 0) {
        await tx.query(
          `insert into item_minhash_bands (item_id, band, bucket)
           select $1, b - 1, (($2::integer[])[b]) from generate_series(1, array_length($2::integer[], 1)) as b`,
          [item.id, `{${Array.from(buckets).join(',')}}`],
        );
      }
    });
  }
}
