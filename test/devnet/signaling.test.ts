import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSignaling } from '../../devnet/signaling';
import type { SignalingServer } from '../../devnet/signaling';

let server: SignalingServer;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  server = await startSignaling(0);
});

afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  await server.stop();
});

type Inbox = { socket: WebSocket; next: () => Promise<Record<string, unknown>> };

async function connect(): Promise<Inbox> {
  const socket = new WebSocket(server.url);
  sockets.push(socket);
  const queue: Array<Record<string, unknown>> = [];
  const waiting: Array<(m: Record<string, unknown>) => void> = [];
  socket.on('message', (raw) => {
    const message = JSON.parse(raw.toString()) as Record<string, unknown>;
    const resolve = waiting.shift();
    if (resolve) resolve(message);
    else queue.push(message);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    next: () => {
      const queued = queue.shift();
      return queued ? Promise.resolve(queued) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

describe('y-webrtc signaling server', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
  });

  it('relays a publish to every subscriber of the topic, with the subscriber count, as y-webrtc expects', async () => {
    const a = await connect();
    const b = await connect();
    const other = await connect();
    a.socket.send(JSON.stringify({ type: 'subscribe', topics: ['room-1'] }));
    b.socket.send(JSON.stringify({ type: 'subscribe', topics: ['room-1'] }));
    other.socket.send(JSON.stringify({ type: 'subscribe', topics: ['room-2'] }));
    // a round trip per socket makes sure the subscriptions are in before publishing
    for (const s of [a, b, other]) {
      s.socket.send(JSON.stringify({ type: 'ping' }));
      expect(await s.next()).toEqual({ type: 'pong' });
    }
    a.socket.send(JSON.stringify({ type: 'publish', topic: 'room-1', data: { type: 'announce', from: 'peer-a' } }));
    const expected = { type: 'publish', topic: 'room-1', data: { type: 'announce', from: 'peer-a' }, clients: 2 };
    expect(await a.next()).toEqual(expected);
    expect(await b.next()).toEqual(expected);

    b.socket.send(JSON.stringify({ type: 'unsubscribe', topics: ['room-1'] }));
    b.socket.send(JSON.stringify({ type: 'ping' }));
    expect(await b.next()).toEqual({ type: 'pong' });
    a.socket.send(JSON.stringify({ type: 'publish', topic: 'room-1', data: 'second' }));
    expect(await a.next()).toMatchObject({ data: 'second', clients: 1 });
    other.socket.send(JSON.stringify({ type: 'ping' }));
    expect(await other.next()).toEqual({ type: 'pong' }); // room-2 saw nothing of room-1
  });

  it('ignores messages that are not JSON or not of the protocol', async () => {
    const a = await connect();
    a.socket.send('not json');
    a.socket.send(JSON.stringify({ type: 'teleport' }));
    a.socket.send(JSON.stringify({ type: 'ping' }));
    expect(await a.next()).toEqual({ type: 'pong' });
  });
});
