import { parentPort } from 'node:worker_threads';
import { isAppError } from '../../../shared/errors';
import { detectSegmented } from '../../../shared/pii/segmented';
import { scanColumns, transformTable } from '../../../shared/pii/table-transform';
import { hmacSha256Hex } from './hmac';
import type { AnonymiseWorkerRequest, AnonymiseWorkerResponse } from './worker-protocol';

// Detection is CPU-bound for seconds on large documents: it runs here so that the thread that
// serves the UI (and every other method call) never waits on it.
const port = parentPort;
if (port === null) throw new Error('anonymise-worker must run in a worker thread');

const send = (message: AnonymiseWorkerResponse): void => port.postMessage(message);

port.on('message', (request: AnonymiseWorkerRequest) => {
  try {
    switch (request.type) {
      case 'detectText': {
        const detections = detectSegmented(request.text, { minConfidence: request.minConfidence }, (done, total, count) =>
          send({ type: 'progress', done, total, detections: count }),
        );
        send({ type: 'detected', detections });
        break;
      }
      case 'scanTable':
        send({ type: 'scanned', stats: scanColumns(request.columns, request.rows, request.minConfidence) });
        break;
      case 'transformTable': {
        const out = transformTable({
          columns: request.columns,
          rows: request.rows,
          policies: request.policies,
          operators: request.operators,
          ctx: { hmac: hmacSha256Hex, key: request.key, subject: request.subject },
          minConfidence: request.minConfidence,
          columnTypes: request.columnTypes,
        });
        send({ type: 'transformed', ...out });
        break;
      }
    }
  } catch (error) {
    if (isAppError(error)) send({ type: 'failed', code: error.code, message: error.message, details: error.details });
    else send({ type: 'failed', code: 'internal', message: error instanceof Error ? error.message : String(error) });
  }
});
