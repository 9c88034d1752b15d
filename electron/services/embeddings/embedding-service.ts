import type {
  Duplicate,
  EmbedResult,
  EmbeddingSettings,
  EmbeddingStatus,
  ItemQuality,
  Relevance,
  SearchHit,
} from '../../../shared/api/embeddings';
import type { Database } from '../db/database';
import type { EventBus } from '../events';
import type { LibraryService } from '../library/library-service';
import type { VersionService } from '../library/version-service';
import type { BlobStore } from '../storage/blob-store';
import { DuplicateGate } from './duplicate-gate';
import { IndexJobs } from './index-jobs';
import { ModelManager, type ActiveModel, type ModelManagerOptions } from './model-manager';
import { EmbeddingQueries, type ChunkHit } from './queries';

export type { ActiveModel } from './model-manager';
export type { ChunkHit } from './queries';
export type EmbeddingServiceOptions = ModelManagerOptions;

/**
 * On-device embeddings, one facade over four parts that share the database and one worker:
 * the model (`model-manager.ts`), embedding runs (`index-jobs.ts`), search and quality reads
 * (`queries.ts`) and the duplicate gate (`duplicate-gate.ts`). Callers see one service, as
 * `wiring.ts` builds it.
 */
export class EmbeddingService {
  private readonly models: ModelManager;
  private readonly jobs: IndexJobs;
  private readonly queries: EmbeddingQueries;
  private readonly gate: DuplicateGate;

  constructor(
    db: Database,
    library: LibraryService,
    versions: VersionService,
    blobs: BlobStore,
    events: EventBus,
    options: EmbeddingServiceOptions,
  ) {
    this.models = new ModelManager(db, options);
    this.jobs = new IndexJobs({ db, library, versions, blobs, events, models: this.models, batchSize: options.batchSize });
    this.gate = new DuplicateGate(db);
    this.queries = new EmbeddingQueries(db, this.models, this.gate);
  }

  /** The stored model settings, with defaults. */
  settings(): Promise<EmbeddingSettings> {
    return this.models.settings();
  }

  /** The active model id, where it comes from, and whether it can be used. */
  status(): Promise<EmbeddingStatus> {
    return this.models.status();
  }

  /** Changes the model folder, model id or network permission; a folder is validated before it is saved. */
  configure(change: { modelDir?: string | null; allowNetwork?: boolean; modelId?: string }): Promise<EmbeddingStatus> {
    return this.models.configure(change);
  }

  /** Copies a model folder into the data folder's cache and makes it the active model. */
  importModel(input: { path: string; modelId?: string }): Promise<EmbeddingStatus> {
    return this.models.importModel(input);
  }

  /** Loads the active model in the worker (once; again after the settings change). */
  activeModel(): Promise<ActiveModel> {
    return this.models.activeModel();
  }

  /** Embeds texts in the worker as they are (queries, benchmarks): row-major normalised vectors. */
  embedTexts(
    texts: string[],
    options: { batchSize?: number; priority?: 'high' | 'normal'; signal?: AbortSignal } = {},
  ): Promise<{ vectors: Float32Array; dims: number; model: ActiveModel }> {
    return this.models.embedTexts(texts, options);
  }

  /** Embeds the items of a Datanet (or of all) whose content, model or chunking changed since their last embedding. */
  embedDatanet(input: { datanetId?: string; jobId: string }): Promise<EmbedResult> {
    return this.jobs.embedDatanet(input);
  }

  /** Cancels a queued or running embedding run; false when none runs under that id. */
  cancel(jobId: string): { cancelled: boolean } {
    return this.jobs.cancel(jobId);
  }

  /** Items closest in meaning to a query: the best chunk of each, nearest first. */
  search(input: { datanetId?: string; query: string; k: number }): Promise<SearchHit[]> {
    return this.queries.search(input);
  }

  /** Nearest chunks to a vector through the HNSW index, ordered by cosine distance (benchmarks call it directly). */
  searchChunks(
    vector: ArrayLike<number>,
    options: { modelId: string; modelVersion: string; datanetId?: string; limit: number; efSearch?: number },
  ): Promise<ChunkHit[]> {
    return this.queries.searchChunks(vector, options);
  }

  /** How well an item fits its Datanet: cosine similarity to the description and to the centroid of its other accepted items. */
  relevance(itemId: string): Promise<Relevance> {
    return this.queries.relevance(itemId);
  }

  /** Items that duplicate this one: the same text, shingle overlap above the MinHash threshold, or near-identical meaning. */
  duplicates(itemId: string): Promise<Duplicate[]> {
    return this.gate.duplicates(itemId);
  }

  /** Whether a submission must leave this item out (an earlier duplicate, not overridden). */
  isBlockedDuplicate(itemId: string): Promise<{ isBlocked: boolean; message?: string }> {
    return this.gate.isBlockedDuplicate(itemId);
  }

  /** Lets a flagged duplicate be submitted anyway, or takes that back. */
  overrideDuplicate(itemId: string, isOverridden: boolean): Promise<{ itemId: string; isOverridden: boolean; isBlocked: boolean }> {
    return this.gate.overrideDuplicate(itemId, isOverridden);
  }

  /** The embedding model an item's vectors were made with (for a submission manifest); null when it has none. */
  embeddingModelOf(itemId: string): Promise<string | null> {
    return this.queries.embeddingModelOf(itemId);
  }

  /** An item's embedding state, relevance, duplicates and block flag, for the item's quality panel. */
  itemQuality(itemId: string): Promise<ItemQuality> {
    return this.queries.itemQuality(itemId);
  }

  /** How many items of a Datanet (or of all) are embedded with the active model, and how many are out of date. */
  coverage(datanetId?: string): Promise<{ items: number; current: number; stale: number; chunks: number }> {
    return this.queries.coverage(datanetId);
  }

  /** Stops running jobs and the worker; loads are refused first, so a cancelled run cannot start the model again. */
  async close(): Promise<void> {
    this.models.refuseLoads();
    await this.jobs.stopAll();
    await this.models.terminate();
  }
}
