import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../../shared/errors';
import type { AnonymiseWorkerRequest, AnonymiseWorkerResponse } from './worker-protocol';

type Result = Exclude<AnonymiseWorkerResponse, { type: 'progress' } | { type: 'failed' }>;

/**
 * Runs one request in a fresh worker thread. Cancelling terminates the worker at once, wherever
 * the synchronous scan is; a worker that dies (out of memory on hostile input) fails the request
 * with a clear error instead of taking the host down.
 */
export function runInWorker(
  workerPath: string | undefined,
  request: AnonymiseWorkerRequest,
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number, detections: number) => void } = {},
): Promise<Result> {
  return new Promise<Result>((resolve, reject) => {
    if (workerPath === undefined || !existsSync(workerPath)) {
      reject(new AppError('unavailable', 'The anonymisation worker is not built: run `npm run build`.'));
      return;
    }
    if (options.signal?.aborted) {
      reject(new AppError('cancelled', 'Cancelled.'));
      return;
    }
    const worker = new Worker(workerPath, { resourceLimits: { maxOldGenerationSizeMb: 4096 } });
    let isSettled = false;
    const settle = (fn: () => void): void => {
      if (isSettled) return;
      isSettled = true;
      options.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const onAbort = (): void => settle(() => reject(new AppError('cancelled', 'Cancelled.')));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: AnonymiseWorkerResponse) => {
      if (message.type === 'progress') options.onProgress?.(message.done, message.total, message.detections);
      else if (message.type === 'failed') settle(() => reject(new AppError(message.code, message.message, message.details)));
      else settle(() => resolve(message));
    });
    worker.on('error', (error) => settle(() => reject(new AppError('internal', `The anonymisation worker failed: ${error.message}`))));
    worker.on('exit', (code) => settle(() => reject(new AppError('internal', `The anonymisation worker stopped (exit code ${code}).`))));
    worker.postMessage(request);
  });
}
