import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { findCanaries } from './find-canaries';
import { startTap } from './tap-proxy';

const CANARY = 'CANARY-SSN-078-05-1120-Q7';
const haystack = (s: string | Buffer) => [{ name: 't', bytes: typeof s === 'string' ? Buffer.from(s) : s }];

describe('canary search', () => {
  it('finds a canary raw, as hex in either case, and inside base64 / base64url at every alignment', () => {
    expect(findCanaries(haystack(`x${CANARY}y`), [CANARY])[0]?.encoding).toBe('raw');
    expect(findCanaries(haystack(Buffer.from(CANARY).toString('hex').toUpperCase()), [CANARY])[0]?.encoding).toBe('HEX');
    expect(findCanaries(haystack(Buffer.from(CANARY, 'utf16le')), [CANARY])[0]?.encoding).toBe('utf16le');
    for (let k = 0; k < 6; k++) {
      const payload = Buffer.concat([randomBytes(k), Buffer.from(CANARY), randomBytes(5)]);
      expect(findCanaries(haystack(payload.toString('base64')), [CANARY]).some((h) => h.encoding === `base64@${k % 3}`)).toBe(true);
      expect(findCanaries(haystack(payload.toString('base64url')), [CANARY]).some((h) => h.encoding.startsWith('base64url'))).toBe(true);
    }
  });

  it('does not report look-alikes', () => {
    expect(findCanaries(haystack(`CANARY-SSN-078-05-1121-Q7 ${Buffer.from('CANARY-SSN').toString('base64')}`), [CANARY])).toEqual([]);
  });

  it('sees through WebSocket masking: a tap decodes what a client sent in its frames', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    const received: string[] = [];
    wss.on('connection', (ws) => ws.on('message', (m: Buffer) => received.push(m.toString())));
    await new Promise((r) => wss.once('listening', r));
    const tap = await startTap('ws', `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    const ws = new WebSocket(tap.url);
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'publish', data: CANARY }));
    ws.send(Buffer.alloc(70_000, 1));
    await new Promise((r) => setTimeout(r, 200));
    ws.close();
    expect(received[0]).toContain(CANARY);
    const [raw] = tap.connections;
    expect(raw?.sent.includes(CANARY)).toBe(false);
    expect(raw?.wsPayloads.map((p) => p.length)).toEqual([received[0]?.length, 70_000]);
    expect(findCanaries(tap.captures(), [CANARY]).map((h) => h.encoding)).toEqual(['raw']);
    await tap.close();
    wss.close();
  });
});
