import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../../shared/errors';
import type { FileType } from '../../../shared/file-types';
import { EXTRACTION_LIMITS, formatBytes, type ExtractionLimits } from '../../../shared/import-rules';
import { extractContent, PREVIEW_ROWS, type ExtractedContent } from './extract';
import type { ExtractRequest, ExtractResponse } from './extract-protocol';

/** Reads a file's text or table (extract.ts) under the extraction limits. */
export type Extractor = {
  extract(bytes: Uint8Array, type: FileType, options?: { maxRows?: number }): Promise<ExtractedContent>;
  close(): Promise<void>;
};

/**
 * Extraction on the calling thread: the content limits apply, but nothing bounds time or memory.
 * For tests that run without a build; every host entry point passes the built worker instead.
 */
export function inProcessExtractor(limits: ExtractionLimits = EXTRACTION_LIMITS): Extractor {
  return {
    extract: (bytes, type, options = {}) => extractContent(bytes, type, { maxRows: options.maxRows, limits }),
    close: async () => undefined,
  };
}

type Job = {
  request: ExtractRequest;
  resolve: (content: ExtractedContent) => void;
  reject: (error: AppError) => void;
};

type Running = { job: Job; worker: Worker; timer: NodeJS.Timeout; memoryTimer: NodeJS.Timeout; rssAtStart: number };

/** How often resident memory is sampled while a file is extracted. */
const MEMORY_SAMPLE_MS = 100;

/**
 * Extraction in one long-lived worker thread (out/main/extract-worker.js), one file at a time.
 * A file that overruns the wall time or the memory limits gets its worker terminated, wherever
 * the parser is, and is refused with its code; the next file gets a fresh worker. Reusing the
 * worker across files keeps pdf.js loaded: starting a worker and importing it costs far more
 * than extracting a typical file.
 */
export class WorkerExtractor implements Extractor {
  private worker: Worker | undefined;
  private readonly queue: Job[] = [];
  private running: Running | undefined;
  private nextId = 1;
  private isClosed = false;

  constructor(
    private readonly workerPath: string,
    private readonly limits: ExtractionLimits = EXTRACTION_LIMITS,
  ) {}

  extract(bytes: Uint8Array, type: FileType, options: { maxRows?: number } = {}): Promise<ExtractedContent> {
    return new Promise<ExtractedContent>((resolve, reject) => {
      if (this.isClosed) {
        reject(new AppError('unavailable', 'The app is shutting down.'));
        return;
      }
      const request: ExtractRequest = { id: this.nextId++, bytes, type, maxRows: options.maxRows ?? PREVIEW_ROWS, limits: this.limits };
      this.queue.push({ request, resolve, reject });
      this.pump();
    });
  }

  /** Terminates the worker; files still queued are refused as `unavailable`. */
  async close(): Promise<void> {
    this.isClosed = true;
    for (const job of this.queue.splice(0)) job.reject(new AppError('unavailable', 'The app is shutting down.'));
    if (this.running) this.stop(this.running.worker, new AppError('unavailable', 'The app is shutting down.'));
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private pump(): void {
    if (this.running) return;
    const job = this.queue.shift();
    if (!job) {
      this.worker?.unref();
      return;
    }
    let worker: Worker;
    try {
      worker = this.spawn();
    } catch (error) {
      job.reject(error instanceof AppError ? error : new AppError('unavailable', 'The extraction worker cannot start.'));
      this.pump();
      return;
    }
    worker.ref();
    const timer = setTimeout(
      () =>
        this.stop(
          worker,
          new AppError(
            'extraction_timeout',
            `Reading this file took longer than ${Math.round(this.limits.timeoutMs / 1000)} s, so it was stopped. The file may be crafted to stall readers; if it is genuine, split it into smaller files.`,
            { limitMs: this.limits.timeoutMs },
          ),
        ),
      this.limits.timeoutMs,
    );
    const rssAtStart = process.memoryUsage.rss();
    const memoryTimer = setInterval(() => {
      // Resident memory is the process's, not the worker's alone: growth during one file is what
      // is bounded, which is what an inflating stream would show.
      if (process.memoryUsage.rss() - rssAtStart > this.limits.maxRssGrowthBytes) this.stop(worker, this.outOfMemory());
    }, MEMORY_SAMPLE_MS);
    this.running = { job, worker, timer, memoryTimer, rssAtStart };
    // Structured cloning copies the bytes, so the caller's (hashed and stored next) stay intact.
    worker.postMessage(job.request);
  }

  private spawn(): Worker {
    if (this.worker) return this.worker;
    if (!existsSync(this.workerPath)) throw new AppError('unavailable', 'The extraction worker is not built: run `npm run build`.');
    const worker = new Worker(this.workerPath, { resourceLimits: { maxOldGenerationSizeMb: this.limits.maxHeapMb } });
    worker.on('message', (message: ExtractResponse) => {
      const running = this.running;
      if (!running || running.worker !== worker || running.job.request.id !== message.id) return;
      this.finish(running);
      if (message.ok) running.job.resolve(message.content);
      else running.job.reject(new AppError(message.code, message.message, message.details));
      this.pump();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      this.stop(
        worker,
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? this.outOfMemory()
          : new AppError('internal', 'Reading the file crashed the extraction worker.'),
      );
    });
    worker.on('exit', () => this.stop(worker, new AppError('internal', 'The extraction worker stopped while reading the file.')));
    this.worker = worker;
    return worker;
  }

  private outOfMemory(): AppError {
    return new AppError(
      'extraction_out_of_memory',
      `Reading this file needed more memory than Datanet Desk allows one file (${this.limits.maxHeapMb} MB of objects, ${formatBytes(this.limits.maxRssGrowthBytes)} in all), so it was stopped. The file may be crafted to exhaust memory; if it is genuine, split it into smaller files.`,
      { heapLimitMb: this.limits.maxHeapMb, rssGrowthLimit: this.limits.maxRssGrowthBytes },
    );
  }

  private finish(running: Running): void {
    clearTimeout(running.timer);
    clearInterval(running.memoryTimer);
    this.running = undefined;
  }

  /** Ends `worker` and refuses the file it was reading, if any; the next file gets a new worker. */
  private stop(worker: Worker, error: AppError): void {
    if (this.worker === worker) this.worker = undefined;
    const running = this.running;
    if (running?.worker === worker) {
      this.finish(running);
      running.job.reject(error);
    }
    void worker.terminate();
    if (!this.isClosed) this.pump();
  }
}
