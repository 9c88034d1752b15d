import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../../shared/errors';
import type { AnonymiseWorkerRequest, AnonymiseWorkerResponse } from './worker-protocol';

type Result = Exclude<AnonymiseWorkerResponse, { type: 'progress' } | { type: 'failed' }>;

/** What the user sees when the worker fails in a way nobody planned; the raw text goes to the log. */
export const ANONYMISE_WORKER_FAILED = 'The anonymisation worker failed unexpectedly; see the log.';

/**
 * Runs one request in a fresh worker thread. Cancelling terminates the worker at once, wherever
 * the synchronous scan is; a worker that dies (out of memory on hostile input) fails the request
 * with a clear error instead of taking the host down. An unplanned failure's own text (a stack,
 * a file path, a fragment of the document) goes to `log` on the host side, never into the AppError
 * that the renderer receives.
 */
export function runInWorker(
  workerPath: string | undefined,
  request: AnonymiseWorkerRequest,
  options: {
    signal?: AbortSignal;
    onProgress?: (done: number, total: number, detections: number) => void;
    /** The host's log; default stderr. */
    log?: (line: string) => void;
  } = {},
): Promise<Result> {
  const log = options.log ?? ((line: string) => console.error(line));
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
      else if (message.type === 'failed') settle(() => reject(failure(message, log)));
      else settle(() => resolve(message));
    });
    worker.on('error', (error) =>
      settle(() => {
        log(`anonymisation worker crashed: ${error.stack ?? error.message}`);
        reject(new AppError('internal', ANONYMISE_WORKER_FAILED));
      }),
    );
    worker.on('exit', (code) => settle(() => reject(new AppError('internal', `The anonymisation worker stopped (exit code ${code}).`))));
    worker.postMessage(request);
  });
}

/**
 * The worker reports unplanned errors as `internal` with the thrown error's message, which can
 * carry a path or a piece of the text being scanned: that stays in the host's log.
 */
function failure(message: Extract<AnonymiseWorkerResponse, { type: 'failed' }>, log: (line: string) => void): AppError {
  if (message.code !== 'internal') return new AppError(message.code, message.message, message.details);
  log(`anonymisation worker failed: ${message.message}`);
  return new AppError('internal', ANONYMISE_WORKER_FAILED);
}
