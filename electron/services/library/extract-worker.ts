import { parentPort } from 'node:worker_threads';
import { isAppError } from '../../../shared/errors';
import { extractContent } from './extract';
import type { ExtractRequest, ExtractResponse } from './extract-protocol';

// Untrusted files are parsed here, off the thread that serves the UI: the host can terminate this
// thread when a file overruns its time or memory (extract-client.ts), which it cannot do to itself.
const port = parentPort;
if (!port) throw new Error('extract-worker must run as a worker thread');

port.on('message', (request: ExtractRequest) => {
  void (async () => {
    let reply: ExtractResponse;
    try {
      const content = await extractContent(request.bytes, request.type, { maxRows: request.maxRows, limits: request.limits });
      reply = { id: request.id, ok: true, content };
    } catch (error) {
      if (isAppError(error)) {
        reply = { id: request.id, ok: false, code: error.code, message: error.message, details: error.details };
      } else if (error instanceof RangeError && /string length/i.test(error.message)) {
        // V8 cannot hold a string this long (about 2^29 characters): the text is too long, whatever the limit says.
        reply = {
          id: request.id,
          ok: false,
          code: 'text_too_long',
          message: 'The file holds more text than Datanet Desk can read from one file. Split it into smaller files.',
        };
      } else {
        // The stack stays in the host's log; the UI gets no paths or internals.
        console.error('extract-worker:', error);
        reply = { id: request.id, ok: false, code: 'internal', message: 'Reading the file failed unexpectedly.' };
      }
    }
    port.postMessage(reply);
  })();
});
