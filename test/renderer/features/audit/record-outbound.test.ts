import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createOutboundRecorder } from '../../../../renderer/src/features/audit/record-outbound';

describe('renderer outbound recorder', () => {
  it('hashes each message in the window and sends them to audit.record in batches of at most 500', async () => {
    const calls: { method: string; input: { transfers: { bytes: number; contentSha256: string; what: string }[] } }[] = [];
    const api = {
      call: async (method: string, input: unknown) => {
        calls.push({ method, input: input as (typeof calls)[number]['input'] });
        return { recorded: 0 };
      },
    } as unknown as Parameters<typeof createOutboundRecorder>[0];
    const recorder = createOutboundRecorder(api, 10_000);
    const update = new Uint8Array([0, 1, 2, 250]);
    recorder.record({ channel: 'review-peer', endpoint: 'webrtc://peer-1', what: 'sync-update', content: update });
    for (let i = 0; i < 600; i++)
      recorder.record({ channel: 'review-signaling', endpoint: 'ws://127.0.0.1:1/', what: 'publish', content: `{"n":${i}}` });
    await recorder.flush();
    expect(calls.map((c) => [c.method, c.input.transfers.length])).toEqual([
      ['audit.record', 500],
      ['audit.record', 101],
    ]);
    const first = calls[0]?.input.transfers[0];
    expect(first).toMatchObject({ what: 'sync-update', bytes: 4, contentSha256: createHash('sha256').update(update).digest('hex') });
    expect(calls[1]?.input.transfers.at(-1)).toMatchObject({
      bytes: 9,
      contentSha256: createHash('sha256').update('{"n":599}').digest('hex'),
    });
  });
});
