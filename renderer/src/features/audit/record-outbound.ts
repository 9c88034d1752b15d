import type { ApiClient } from '../../../../shared/api/client';
import type { RendererTransfer } from '../../../../shared/api/audit';

/** One outbound message; its size and hash are measured from `content` (a given `bytes` is ignored). */
type Pending = Omit<RendererTransfer, 'contentSha256' | 'bytes'> & { content: Uint8Array | string; bytes?: number };

async function sha256Hex(content: Uint8Array | string): Promise<string> {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Records what the renderer itself sends (y-webrtc signaling messages and peer messages) in the
 * host's audit log. Hashes in the window (WebCrypto), batches for up to `flushMs` (y-webrtc sends
 * many small messages) and sends at most 500 per call.
 */
export function createOutboundRecorder(api: Pick<ApiClient, 'call'>, flushMs = 250) {
  const queue: Promise<RendererTransfer>[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = queue.splice(0, 500);
    if (batch.length) await api.call('audit.record', { transfers: await Promise.all(batch) });
    if (queue.length) await flush();
  };
  return {
    /** Queues one outbound message for the audit log. */
    record(transfer: Pending): void {
      const { content, bytes: _ignored, ...rest } = transfer;
      const bytes = typeof content === 'string' ? new TextEncoder().encode(content).byteLength : content.byteLength;
      queue.push(sha256Hex(content).then((contentSha256) => ({ ...rest, bytes, contentSha256 })));
      timer ??= setTimeout(() => void flush().catch((e: unknown) => console.error(e)), flushMs);
    },
    /** Sends what is queued now (before a room closes). */
    flush,
  };
}
