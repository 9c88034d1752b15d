import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { EmbeddingSettings, EmbeddingStatus } from '../../../shared/api/embeddings';
import { AppError } from '../../../shared/errors';
import type { OutboundRecorder } from '../audit/audit-log';
import type { Database } from '../db/database';
import { DEFAULT_MODEL_ID, EMBED_BATCH_SIZE, EMBEDDING_DIMS } from './constants';
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
import type { ModelLoadSpec } from './worker-protocol';

export type ModelManagerOptions = {
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

const SETTINGS_KEY = 'model';
const RESOLVE_TTL_MS = 10_000;
const VERSION_CACHE_KEY = 'modelVersions';

/**
 * The embedding model: its settings, where it resolves from, its version, and the worker thread
 * it is loaded in (one worker, one model at a time).
 */
export class ModelManager {
  private worker: EmbedWorkerClient | undefined;
  private loaded: { key: string; model: ActiveModel } | undefined;
  private loading: { key: string; promise: Promise<ActiveModel> } | undefined;
  private isClosed = false;
  private resolved: { key: string; at: number; model: ResolvedModel } | undefined;
  private readonly modelVersions = new Map<string, string>();

  constructor(
    private readonly db: Database,
    private readonly options: ModelManagerOptions,
  ) {}

  private get cacheRoot(): string {
    return join(this.options.dataDir, 'models');
  }

  /** The model loaded now, without loading one (undefined until the first load, and after a worker crash). */
  get loadedModel(): ActiveModel | undefined {
    return this.loaded?.model;
  }

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

  /** The worker thread, started on first use and again after a crash. */
  client(): EmbedWorkerClient {
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

  /** Refuses every later load; the worker keeps running until {@link terminate}, so runs being cancelled can wind down. */
  refuseLoads(): void {
    this.isClosed = true;
  }

  /** Stops the worker thread. */
  async terminate(): Promise<void> {
    await this.worker?.terminate();
  }
}
