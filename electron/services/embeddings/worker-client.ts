import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../../shared/errors';
import type { ChunkingSpec, ModelLoadSpec, PreparedDocument, Priority, WorkerRequest, WorkerResponse } from './worker-protocol';

type Pending = {
  resolve: (message: WorkerResponse) => void;
  reject: (error: AppError) => void;
  onPrepared?: (document: PreparedDocument) => void;
  onProgress?: (done: number, total: number) => void;
};

export type EmbedCallOptions = {
  batchSize: number;
  priority?: Priority;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
};

/** What the user sees when the worker fails in a way nobody planned; the raw text goes to the log. */
export const EMBED_WORKER_FAILED = 'The embedding worker failed unexpectedly; see the log.';

/** Splits row-major vectors into one Float32Array view per row. */
export function splitVectors(vectors: Float32Array, dims: number): Float32Array[] {
  const rows: Float32Array[] = [];
  for (let i = 0; i < vectors.length; i += dims) rows.push(vectors.subarray(i, i + dims));
  return rows;
}

/**
 * The serving thread's side of the embedding worker: requests by id, progress callbacks,
 * cancellation through AbortSignal. The worker keeps the process alive only while a request is
 * pending, so a command line run exits when its work is done. An unplanned failure's own text (a
 * stack, a file path) goes to `log` on the host side, never into the AppError the renderer gets.
 */
export class EmbedWorkerClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly workerPath: string,
    private readonly onExit: () => void = () => {},
    /** Told of every hub request the worker sends (model downloads), for the audit log. */
    private readonly onOutbound: (url: string, method: string) => void = () => {},
    /** The host's log; default stderr. */
    private readonly log: (line: string) => void = (line) => console.error(line),
  ) {}

  private spawn(): Worker {
    if (this.worker) return this.worker;
    if (!existsSync(this.workerPath)) {
      throw new AppError('unavailable', 'The embedding worker is not built: run `npm run build`.');
    }
    const worker = new Worker(this.workerPath);
    worker.unref();
    worker.on('message', (message: WorkerResponse) => this.receive(message));
    const stop = (message: string): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(new AppError('internal', message));
      }
      this.onExit();
    };
    worker.on('error', (error) => {
      this.log(`embedding worker crashed: ${error.stack ?? error.message}`);
      stop(EMBED_WORKER_FAILED);
    });
    worker.on('exit', (code) => stop(`The embedding worker stopped (exit code ${code}).`));
    this.worker = worker;
    return worker;
  }

  private receive(message: WorkerResponse): void {
    if (message.type === 'outbound') {
      this.onOutbound(message.url, message.method);
      return;
    }
    const p = this.pending.get(message.id);
    if (!p) return;
    if (message.type === 'progress') p.onProgress?.(message.done, message.total);
    else if (message.type === 'prepared') p.onPrepared?.(message.document);
    else {
      this.pending.delete(message.id);
      if (this.pending.size === 0) this.worker?.unref();
      if (message.type === 'failed') p.reject(this.failure(message));
      else p.resolve(message);
    }
  }

  /**
   * The worker reports unplanned errors as `internal` with the thrown error's text, which can carry
   * a path (a model file, a cache folder): that stays in the host's log.
   */
  private failure(message: Extract<WorkerResponse, { type: 'failed' }>): AppError {
    if (message.code !== 'internal') return new AppError(message.code, message.message);
    this.log(`embedding worker failed: ${message.message}`);
    return new AppError('internal', EMBED_WORKER_FAILED);
  }

  private request(build: (id: number) => WorkerRequest, handlers: Omit<Pending, 'resolve' | 'reject'>, signal?: AbortSignal) {
    return new Promise<WorkerResponse>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new AppError('cancelled', 'Cancelled.'));
        return;
      }
      const worker = this.spawn();
      const id = this.nextId++;
      const onAbort = (): void => worker.postMessage({ type: 'cancel', ids: [id] } satisfies WorkerRequest);
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        ...handlers,
        resolve: (m) => {
          done();
          resolve(m);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      worker.ref();
      worker.postMessage(build(id));
    });
  }

  /** Loads a model in the worker; resolves with the width of its vectors. */
  async load(spec: ModelLoadSpec): Promise<{ dims: number }> {
    const reply = await this.request((id) => ({ type: 'load', id, spec }), {});
    if (reply.type !== 'loaded') throw new AppError('internal', 'Unexpected reply from the embedding worker.');
    return { dims: reply.dims };
  }

  /** Embeds texts as they are; resolves with row-major L2-normalised vectors. */
  async embedTexts(texts: string[], options: EmbedCallOptions): Promise<{ vectors: Float32Array; dims: number }> {
    const reply = await this.request(
      (id) => ({ type: 'embedTexts', id, texts, batchSize: options.batchSize, priority: options.priority ?? 'normal' }),
      { onProgress: options.onProgress },
      options.signal,
    );
    if (reply.type !== 'embedded') throw new AppError('internal', 'Unexpected reply from the embedding worker.');
    return { vectors: reply.vectors, dims: reply.dims };
  }

  /** Chunks a document, signs it (MinHash, sha256) and embeds its chunks, all in the worker. */
  async embedDocument(
    text: string,
    chunking: ChunkingSpec,
    options: EmbedCallOptions & { onPrepared?: (document: PreparedDocument) => void },
  ): Promise<{ document: PreparedDocument; vectors: Float32Array; dims: number }> {
    let document: PreparedDocument | undefined;
    const reply = await this.request(
      (id) => ({ type: 'embedDocument', id, text, chunking, batchSize: options.batchSize, priority: options.priority ?? 'normal' }),
      {
        onProgress: options.onProgress,
        onPrepared: (d) => {
          document = d;
          options.onPrepared?.(d);
        },
      },
      options.signal,
    );
    if (reply.type !== 'embedded' || !document) throw new AppError('internal', 'Unexpected reply from the embedding worker.');
    return { document, vectors: reply.vectors, dims: reply.dims };
  }

  /** Stops the worker; pending requests fail with `internal`. */
  async terminate(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await worker.terminate();
  }
}
