import type { ErrorCode } from '../../../shared/errors';
import type { ChunkSpan } from './chunking';

/** What the worker needs to load a model with transformers.js, all paths absolute. */
export type ModelLoadSpec = {
  /** An absolute model folder, or a hub repository id when `allowRemote` is set. */
  model: string;
  dtype: string;
  /** transformers.js `env.localModelPath`: where hub ids are looked up on disk first. */
  localModelPath: string;
  /** transformers.js `env.cacheDir`: where a download is stored (the data folder's model cache). */
  cacheDir: string;
  allowRemote: boolean;
};

export type ChunkingSpec = { maxTokens: number; overlapTokens: number; maxChunks: number };

export type Priority = 'high' | 'normal';

export type WorkerRequest =
  | { type: 'load'; id: number; spec: ModelLoadSpec }
  /** Chunk a text, compute its MinHash signature and hash, then embed every chunk. */
  | { type: 'embedDocument'; id: number; text: string; chunking: ChunkingSpec; batchSize: number; priority: Priority }
  /** Embed texts as they are (a query, a benchmark's inputs). */
  | { type: 'embedTexts'; id: number; texts: string[]; batchSize: number; priority: Priority }
  | { type: 'cancel'; ids: number[] };

export type PreparedDocument = {
  chunks: ChunkSpan[];
  isTruncated: boolean;
  textSha256: string;
  signature: Uint32Array;
  shingleCount: number;
};

export type WorkerResponse =
  | { type: 'loaded'; id: number; dims: number }
  | { type: 'prepared'; id: number; document: PreparedDocument }
  | { type: 'progress'; id: number; done: number; total: number }
  /** Row-major vectors, `dims` floats each, L2-normalised (transferred, not copied). */
  | { type: 'embedded'; id: number; vectors: Float32Array; dims: number }
  | { type: 'failed'; id: number; code: ErrorCode; message: string }
  /** A hub request transformers.js is about to send (only when network use is allowed): for the audit log. */
  | { type: 'outbound'; id: number; url: string; method: string };
