import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type {
  Duplicate,
  EmbedResult,
  EmbeddingSettings,
  EmbeddingStatus,
  ItemQuality,
  Relevance,
  SearchHit,
} from '../../../shared/api/embeddings';
import type { OutboundRecorder } from '../audit/audit-log';
import { AppError, isAppError } from '../../../shared/errors';
import type { Database } from '../db/database';
import type { EventBus } from '../events';
import type { LibraryService } from '../library/library-service';
import type { VersionService } from '../library/version-service';
import type { BlobStore } from '../storage/blob-store';
import {
  CHUNKER_ID,
  CHUNK_OVERLAP_TOKENS,
  DEFAULT_MODEL_ID,
  EMBED_BATCH_SIZE,
  EMBEDDING_DIMS,
  HNSW_EF_SEARCH,
  MAX_CHUNKS_PER_ITEM,
  MAX_CHUNK_TOKENS,
  MAX_TEXT_CHARS,
  SEMANTIC_DUPLICATE_THRESHOLD,
  SNIPPET_CHARS,
  TEXT_DUPLICATE_THRESHOLD,
} from './constants';
import { estimateJaccard, isEmptySignature, lshBuckets } from './minhash';
import {
  hashFile,
  importModelFolder,
  inspectModelFolder,
  isValidModelId,
  resolveModel,
  type ModelSettings,
  type ResolvedModel,
} from './model-resolution';
import { EmbedWorkerClient } from './worker-client';
import type { ChunkingSpec, ModelLoadSpec, PreparedDocument } from './worker-protocol';
import { meanVector, toVectorLiteral } from './vectors';

export type EmbeddingServiceOptions = {
  /** The data folder: the model cache is `<dataDir>/models`. */
  dataDir: string;
  /** The built worker script (out/main/embed-worker.js); without it nothing can be embedded. */
  workerPath?: string;
  /** The app's bundled models (`resources/models`), when the build ships any. */
  bundledModelsDir?: string;
  /** A model folder from `--model` or DATANET_DESK_MODEL_DIR: it overrides the settings for this run. */
  modelDirOverride?: string;
  batchSize?: number;
  /** The audit log: hub downloads are recorded (as the worker reports them). */
  outbound?: OutboundRecorder;
};

/** The model loaded in the worker, by id and version (sha256 of its ONNX file). */
export type ActiveModel = { modelId: string; modelVersion: string; dims: number };

export type ChunkHit = { itemId: string; chunkIndex: number; snippet: string; distance: number };

type ItemState = {
  id: string;
  datanet_id: string;
  kind: 'text' | 'table';
  sha256: string;
  current_version_id: string | null;
  source_sha256: string;
  embedded_source: string | null;
  model_id: string | null;
  model_version: string | null;
  chunker: string | null;
};

type Prepared =
  | { ok: true; item: ItemState; text: string; document: PreparedDocument; vectors: Float32Array; dims: number }
  | { ok: false; item: ItemState; error: AppError };

const SETTINGS_KEY = 'model';
const RESOLVE_TTL_MS = 10_000;
const VERSION_CACHE_KEY = 'modelVersions';

const CHUNKING: ChunkingSpec = { maxTokens: MAX_CHUNK_TOKENS, overlapTokens: CHUNK_OVERLAP_TOKENS, maxChunks: MAX_CHUNKS_PER_ITEM };

const ITEM_STATE_COLUMNS = `i.id, i.datanet_id, i.kind, i.sha256, i.current_version_id,
    coalesce(v.content_sha256, i.sha256) as source_sha256,
    e.source_sha256 as embedded_source, e.model_id, e.model_version, e.chunker`;
const ITEM_STATE_FROM = `from items i
  left join item_versions v on v.id = i.current_version_id
  left join item_embeddings e on e.item_id = i.id`;
const ITEM_STATE_SQL = `select ${ITEM_STATE_COLUMNS} ${ITEM_STATE_FROM}`;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function isCurrent(item: ItemState, model: { modelId: string; modelVersion: string | null }): boolean {
  return (
    item.embedded_source === item.source_sha256 &&
    item.model_id === model.modelId &&
    item.model_version === model.modelVersion &&
    item.chunker === CHUNKER_ID
  );
}

function pgCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;
}

/**
 * On-device embeddings: model resolution, embedding runs in a worker thread, semantic search,
 * relevance of an item to its Datanet and near-duplicate detection (MinHash LSH over word
 * shingles for text overlap, cosine of item vectors for semantic overlap).
 */
export class EmbeddingService {
  private worker: EmbedWorkerClient | undefined;
  private loaded: { key: string; model: ActiveModel } | undefined;
  private loading: { key: string; promise: Promise<ActiveModel> } | undefined;
  private readonly jobs = new Map<string, AbortController>();
  private jobChain: Promise<unknown> = Promise.resolve();
  private hasCleanedOrphans = false;
  private isClosed = false;
  private readonly lastChanged = new Map<string, number>();
  private resolved: { key: string; at: number; model: ResolvedModel } | undefined;
  private readonly modelVersions = new Map<string, string>();

  constructor(
    private readonly db: Database,
    private readonly library: LibraryService,
    private readonly versions: VersionService,
    private readonly blobs: BlobStore,
    private readonly events: EventBus,
    private readonly options: EmbeddingServiceOptions,
  ) {}

  private get cacheRoot(): string {
    return join(this.options.dataDir, 'models');
  }

  // ---- settings and model -------------------------------------------------------------------

  private async readSetting<T>(key: string): Promise<T | undefined> {
    const { rows } = await this.db.query<{ value: T }>('select value from embedding_settings where key = $1', [key]);
    return rows[0]?.value;
  }

  private async writeSetting(key: string, value: unknown): Promise<void> {
    if (key === SETTINGS_KEY) this.resolved = undefined;
    await this.db.query(
      `insert into embedding_settings (key, value) values ($1, $2)
       on conflict (key) do update set value = excluded.value, updated_at = now()`,
      [key, JSON.stringify(value)],
    );
  }

  /** The stored model settings, with defaults. */
  async settings(): Promise<EmbeddingSettings> {
    const stored = (await this.readSetting<Partial<ModelSettings>>(SETTINGS_KEY)) ?? {};
    return {
      modelId: typeof stored.modelId === 'string' ? stored.modelId : DEFAULT_MODEL_ID,
      modelDir: typeof stored.modelDir === 'string' ? stored.modelDir : null,
      allowNetwork: stored.allowNetwork === true,
    };
  }

  /**
   * Resolution reads and parses the model's config and tokenizer files (tens of milliseconds),
   * so a result is reused for a few seconds; changing the settings forgets it at once.
   */
  private async resolve(settings: EmbeddingSettings): Promise<ResolvedModel> {
    const key = JSON.stringify(settings);
    const cached = this.resolved;
    if (cached && cached.key === key && Date.now() - cached.at < RESOLVE_TTL_MS) return cached.model;
    const model = await resolveModel({
      settings,
      overrideDir: this.options.modelDirOverride,
      bundledRoot: this.options.bundledModelsDir,
      cacheRoot: this.cacheRoot,
    });
    this.resolved = { key, at: Date.now(), model };
    return model;
  }

  /** sha256 of the model's ONNX file, remembered by path, size and mtime so a restart does not hash 90 MB again. */
  private async modelVersion(onnxFile: string): Promise<string> {
    const info = await stat(onnxFile);
    const key = `${onnxFile}|${info.size}|${info.mtimeMs}`;
    const remembered = this.modelVersions.get(key);
    if (remembered) return remembered;
    const cache = (await this.readSetting<Record<string, string>>(VERSION_CACHE_KEY)) ?? {};
    const sha = cache[key] ?? (await hashFile(onnxFile));
    if (!cache[key]) await this.writeSetting(VERSION_CACHE_KEY, { ...Object.fromEntries(Object.entries(cache).slice(-20)), [key]: sha });
    this.modelVersions.set(key, sha);
    return sha;
  }

  /** The active model id, where it comes from, and whether it can be used. */
  async status(): Promise<EmbeddingStatus> {
    const settings = await this.settings();
    const resolved = await this.resolve(settings);
    let modelVersion: string | null = null;
    let { isUsable, reason } = resolved;
    if (!this.options.workerPath) {
      isUsable = false;
      reason = 'This build has no embedding worker.';
    }
    if (resolved.onnxFile) {
      try {
        modelVersion = await this.modelVersion(resolved.onnxFile);
      } catch {
        isUsable = false;
        reason = 'The model file cannot be read.';
      }
    }
    return {
      modelId: resolved.modelId,
      source: resolved.source,
      isUsable,
      modelVersion,
      dtype: resolved.dtype,
      reason,
      settings,
      overrideDir: this.options.modelDirOverride ? resolve(this.options.modelDirOverride) : null,
    };
  }

  /** Changes the model folder, model id or network permission; a folder is validated before it is saved. */
  async configure(change: { modelDir?: string | null; allowNetwork?: boolean; modelId?: string }): Promise<EmbeddingStatus> {
    const current = await this.settings();
    if (change.modelDir) await inspectModelFolder(change.modelDir);
    if (change.modelId !== undefined && !isValidModelId(change.modelId)) {
      throw new AppError('invalid_input', 'A model id is a name like "owner/model" made of letters, digits, ".", "_" and "-".');
    }
    await this.writeSetting(SETTINGS_KEY, {
      modelId: change.modelId ?? current.modelId,
      modelDir: change.modelDir === undefined ? current.modelDir : change.modelDir === null ? null : resolve(change.modelDir),
      allowNetwork: change.allowNetwork ?? current.allowNetwork,
    });
    return this.status();
  }

  /** Copies a model folder into the data folder's cache and makes it the active model. */
  async importModel(input: { path: string; modelId?: string }): Promise<EmbeddingStatus> {
    const modelId = input.modelId ?? basename(resolve(input.path));
    await importModelFolder(input.path, this.cacheRoot, modelId);
    const current = await this.settings();
    await this.writeSetting(SETTINGS_KEY, { ...current, modelId, modelDir: null });
    return this.status();
  }

  private loadSpec(resolved: ResolvedModel): ModelLoadSpec {
    if (resolved.source === 'hub') {
      return {
        model: resolved.modelId,
        dtype: resolved.dtype ?? 'q8',
        localModelPath: this.cacheRoot,
        cacheDir: this.cacheRoot,
        allowRemote: true,
      };
    }
    const dir = resolved.dir as string;
    return { model: dir, dtype: resolved.dtype ?? 'fp32', localModelPath: dirname(dir), cacheDir: this.cacheRoot, allowRemote: false };
  }

  private client(): EmbedWorkerClient {
    if (!this.options.workerPath) throw new AppError('unavailable', 'This build has no embedding worker.');
    this.worker ??= new EmbedWorkerClient(
      this.options.workerPath,
      () => {
        // A crashed worker lost its model; the next request loads it again in a new one.
        this.worker = undefined;
        this.loaded = undefined;
      },
      (url, method) => {
        // Reported as transformers.js sends it; a failure to record is logged, the download itself
        // happens in the worker and cannot wait for the database.
        this.options.outbound
          ?.recordOutbound({ channel: 'model-download', url, what: `${method} ${new URL(url).pathname}`, body: `${method} ${url}` })
          .catch((error: unknown) => console.error((error as Error).message));
      },
    );
    return this.worker;
  }

  /** Loads the active model in the worker (once; again after the settings change). */
  async activeModel(): Promise<ActiveModel> {
    if (this.isClosed) throw new AppError('unavailable', 'The app is shutting down.');
    const status = await this.status();
    if (!status.isUsable) throw new AppError('unavailable', status.reason ?? 'No embedding model can be used.');
    const resolved = await this.resolve(status.settings);
    const spec = this.loadSpec(resolved);
    const key = JSON.stringify([spec, status.modelVersion]);
    if (this.loaded?.key === key) return this.loaded.model;
    if (this.loading?.key === key) return this.loading.promise;
    const promise = (async () => {
      if (this.loaded) {
        await this.worker?.terminate();
        this.loaded = undefined;
      }
      const { dims } = await this.client().load(spec);
      if (dims !== EMBEDDING_DIMS) {
        await this.worker?.terminate();
        throw new AppError('invalid_model', `The model makes ${dims}-dimensional vectors; Datanet Desk stores ${EMBEDDING_DIMS}.`);
      }
      // A hub download lands in the data folder's cache: its version is known from now on.
      if (status.modelVersion === null) this.resolved = undefined;
      const version = status.modelVersion ?? (await this.status()).modelVersion ?? `hub:${status.modelId}`;
      const model = { modelId: status.modelId, modelVersion: version, dims };
      this.loaded = { key, model };
      return model;
    })();
    this.loading = { key, promise };
    try {
      return await promise;
    } finally {
      if (this.loading?.promise === promise) this.loading = undefined;
    }
  }

  /** Embeds texts in the worker as they are (queries, benchmarks): row-major normalised vectors. */
  async embedTexts(
    texts: string[],
    options: { batchSize?: number; priority?: 'high' | 'normal'; signal?: AbortSignal } = {},
  ): Promise<{ vectors: Float32Array; dims: number; model: ActiveModel }> {
    const model = await this.activeModel();
    const { vectors, dims } = await this.client().embedTexts(texts, {
      batchSize: options.batchSize ?? this.options.batchSize ?? EMBED_BATCH_SIZE,
      priority: options.priority ?? 'normal',
      signal: options.signal,
    });
    return { vectors, dims, model };
  }

  // ---- embedding runs -----------------------------------------------------------------------

  /** Embeds the items of a Datanet (or of all) whose content, model or chunking changed since their last embedding. */
  async embedDatanet(input: { datanetId?: string; jobId: string }): Promise<EmbedResult> {
    if (this.jobs.has(input.jobId)) throw new AppError('conflict', 'An embedding run with this id is already running.');
    if (input.datanetId) {
      const { rows } = await this.db.query('select 1 from datanets where id = $1', [input.datanetId]);
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

  private async runJob(jobId: string, datanetId: string | null, signal: AbortSignal): Promise<EmbedResult> {
    const progress = { jobId, datanetId, itemsDone: 0, itemsTotal: 0, chunksDone: 0, itemId: null as string | null };
    const emit = (phase: 'loading' | 'embedding' | 'finished' | 'cancelled' | 'failed'): void =>
      this.events.emit('embeddings.progress', { ...progress, phase });
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
      model = await this.activeModel();
    } catch (error) {
      emit('failed');
      throw error;
    }
    result.modelId = model.modelId;
    result.modelVersion = model.modelVersion;
    await this.cleanOrphanChunks();

    const { rows: items } = await this.db.query<ItemState>(
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
          await this.refreshDescription(id, model, signal);
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
    this.events.emit('embeddings.changed', { datanetId });
  }

  /** Chunks left by a run that stopped before its item was complete (a crash) are invisible to nothing else; they go once per process. */
  private async cleanOrphanChunks(): Promise<void> {
    if (this.hasCleanedOrphans) return;
    this.hasCleanedOrphans = true;
    await this.db.query(
      `delete from embedding_chunks c where not exists (
         select 1 from item_embeddings e where e.item_id = c.item_id and e.model_id = c.model_id and e.model_version = c.model_version)`,
    );
  }

  /** The text to embed: the current version when there is one (anonymised content), else the original. */
  private async readSource(item: ItemState): Promise<string> {
    if (item.current_version_id) return (await this.versions.readText(item.current_version_id)).slice(0, MAX_TEXT_CHARS);
    if (item.kind === 'text') return (await this.library.readText(item.id)).slice(0, MAX_TEXT_CHARS);
    // A table's original is CSV or JSON text; only its beginning is read (a table can be 200 MB).
    const file = await open(this.blobs.pathOf(item.sha256), 'r');
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
      const active = await this.activeModel();
      if (active.modelId !== model.modelId || active.modelVersion !== model.modelVersion) {
        throw new AppError('conflict', 'The embedding model changed during the run; embed again.');
      }
      const { document, vectors, dims } = await this.client().embedDocument(text, CHUNKING, {
        batchSize: this.options.batchSize ?? EMBED_BATCH_SIZE,
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
    const { item, text, document, vectors, dims } = p;
    await this.db.transaction(async (tx) => {
      await tx.query('delete from item_embeddings where item_id = $1', [item.id]);
      await tx.query('delete from embedding_chunks where item_id = $1', [item.id]);
    });
    for (let c = 0; c < document.chunks.length; c++) {
      if (signal.aborted) {
        await this.db.query('delete from embedding_chunks where item_id = $1', [item.id]);
        throw new AppError('cancelled', 'Cancelled.');
      }
      const chunk = document.chunks[c] as PreparedDocument['chunks'][number];
      await this.db.query(
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
    await this.db.transaction(async (tx) => {
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

  /** Embeds a Datanet's description (domain and description) when it changed since last time. */
  private async refreshDescription(datanetId: string, model: ActiveModel, signal?: AbortSignal): Promise<void> {
    const { rows } = await this.db.query<{
      domain: string;
      description: string;
      text_sha256: string | null;
      model_id: string | null;
      model_version: string | null;
    }>(
      `select d.domain, d.description, e.text_sha256, e.model_id, e.model_version
       from datanets d left join datanet_embeddings e on e.datanet_id = d.id where d.id = $1`,
      [datanetId],
    );
    const row = rows[0];
    if (!row) return;
    const text = [row.domain, row.description]
      .map((s) => s.trim())
      .filter(Boolean)
      .join('\n');
    const sha = createHash('sha256').update(text).digest('hex');
    if (row.text_sha256 === sha && row.model_id === model.modelId && row.model_version === model.modelVersion) return;
    let vector: Float32Array | undefined;
    if (text) {
      const { vectors, dims } = await this.client().embedDocument(text, CHUNKING, {
        batchSize: EMBED_BATCH_SIZE,
        priority: 'high',
        signal,
      });
      vector = meanVector(vectors, dims);
    }
    await this.db.query(
      `insert into datanet_embeddings (datanet_id, text_sha256, model_id, model_version, embedding) values ($1, $2, $3, $4, $5::vector)
       on conflict (datanet_id) do update set text_sha256 = excluded.text_sha256, model_id = excluded.model_id,
         model_version = excluded.model_version, embedding = excluded.embedding`,
      [datanetId, sha, model.modelId, model.modelVersion, vector ? toVectorLiteral(vector) : null],
    );
  }

  // ---- search ------------------------------------------------------------------------------

  /** Items closest in meaning to a query: the best chunk of each, nearest first. */
  async search(input: { datanetId?: string; query: string; k: number }): Promise<SearchHit[]> {
    const { vectors, model } = await this.embedTexts([input.query], { batchSize: 1, priority: 'high' });
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

  // ---- quality -----------------------------------------------------------------------------

  private async itemState(itemId: string): Promise<ItemState & { created_at: Date; status: string }> {
    const { rows } = await this.db.query<ItemState & { created_at: Date; status: string }>(
      `select i.created_at, i.status, ${ITEM_STATE_COLUMNS} ${ITEM_STATE_FROM} where i.id = $1`,
      [itemId],
    );
    const row = rows[0];
    if (!row) throw new AppError('not_found', 'That item does not exist (it may have been deleted).', { id: itemId });
    return row;
  }

  /** How well an item fits its Datanet: cosine similarity to the description and to the centroid of its other accepted items. */
  async relevance(itemId: string): Promise<Relevance> {
    const item = await this.itemState(itemId);
    const empty: Relevance = { itemId, score: null, toDescription: null, toAccepted: null, acceptedCount: 0 };
    if (!item.model_id || !item.model_version) return empty;
    try {
      const active = this.loaded?.model ?? (await this.activeModel());
      if (active.modelId === item.model_id && active.modelVersion === item.model_version)
        await this.refreshDescription(item.datanet_id, active);
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

  /** Items that duplicate this one: the same text, shingle overlap above the MinHash threshold, or near-identical meaning. */
  async duplicates(itemId: string): Promise<Duplicate[]> {
    const me = await this.itemState(itemId);
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

  private async isOverridden(itemId: string): Promise<boolean> {
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
    await this.itemState(itemId);
    await this.db.query(
      `insert into duplicate_overrides (item_id, is_overridden) values ($1, $2)
       on conflict (item_id) do update set is_overridden = excluded.is_overridden, updated_at = now()`,
      [itemId, isOverridden],
    );
    const { isBlocked } = await this.isBlockedDuplicate(itemId);
    return { itemId, isOverridden, isBlocked };
  }

  /** The embedding model an item's vectors were made with (for a submission manifest); null when it has none. */
  async embeddingModelOf(itemId: string): Promise<string | null> {
    const { rows } = await this.db.query<{ model_id: string }>('select model_id from item_embeddings where item_id = $1', [itemId]);
    return rows[0]?.model_id ?? null;
  }

  /** An item's embedding state, relevance, duplicates and block flag, for the item's quality panel. */
  async itemQuality(itemId: string): Promise<ItemQuality> {
    const item = await this.itemState(itemId);
    const { rows } = await this.db.query<{ embedded_at: Date; chunk_count: number }>(
      'select embedded_at, chunk_count from item_embeddings where item_id = $1',
      [itemId],
    );
    const row = rows[0];
    let state: ItemQuality['state'] = 'none';
    if (row) {
      const status = await this.status();
      state = isCurrent(item, { modelId: status.modelId, modelVersion: status.modelVersion }) ? 'current' : 'stale';
    }
    const duplicates = await this.duplicates(itemId);
    const isOverridden = await this.isOverridden(itemId);
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
    const status = await this.status();
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

  /** Stops running jobs and the worker. */
  async close(): Promise<void> {
    this.isClosed = true;
    for (const controller of this.jobs.values()) controller.abort();
    await this.jobChain;
    await this.worker?.terminate();
  }
}
