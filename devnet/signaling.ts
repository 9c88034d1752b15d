import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import { z } from 'zod';

/**
 * The y-webrtc signaling protocol, as `node_modules/y-webrtc/bin/server.js` (10.3.0) implements
 * it: clients `subscribe` / `unsubscribe` to topics (room names), `publish` a message that is
 * relayed, with `clients` set to the topic's subscriber count, to every subscriber including the
 * sender, and `ping` for a `pong`. Reimplemented because that file listens on every interface
 * as a side effect of being imported; this one binds 127.0.0.1 only. Rooms are password-protected
 * by y-webrtc, so what passes through here is ciphertext.
 */
const messageSchema = z.union([
  z.object({ type: z.literal('subscribe'), topics: z.array(z.unknown()).optional() }).loose(),
  z.object({ type: z.literal('unsubscribe'), topics: z.array(z.unknown()).optional() }).loose(),
  z.object({ type: z.literal('publish'), topic: z.unknown() }).loose(),
  z.object({ type: z.literal('ping') }).loose(),
]);

const PING_INTERVAL_MS = 30_000;
const MAX_MESSAGE_BYTES = 1_000_000;

export type SignalingServer = { url: string; port: number; stop(): Promise<void> };

export async function startSignaling(port: number): Promise<SignalingServer> {
  const topics = new Map<string, Set<WebSocket>>();
  const http = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    response.end('okay');
  });
  const wss = new WebSocketServer({ server: http, maxPayload: MAX_MESSAGE_BYTES });

  const send = (conn: WebSocket, message: unknown): void => {
    if (conn.readyState !== conn.CONNECTING && conn.readyState !== conn.OPEN) {
      conn.close();
      return;
    }
    try {
      conn.send(JSON.stringify(message));
    } catch {
      conn.close();
    }
  };

  wss.on('connection', (conn) => {
    const subscribed = new Set<string>();
    let isClosed = false;
    let isAlive = true;
    const pinger = setInterval(() => {
      if (!isAlive) {
        conn.close();
        clearInterval(pinger);
        return;
      }
      isAlive = false;
      try {
        conn.ping();
      } catch {
        conn.close();
      }
    }, PING_INTERVAL_MS);
    conn.on('pong', () => {
      isAlive = true;
    });
    conn.on('close', () => {
      clearInterval(pinger);
      for (const topic of subscribed) {
        const subs = topics.get(topic);
        subs?.delete(conn);
        if (subs && subs.size === 0) topics.delete(topic);
      }
      subscribed.clear();
      isClosed = true;
    });
    conn.on('message', (raw: RawData) => {
      if (isClosed) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString());
      } catch {
        return;
      }
      const result = messageSchema.safeParse(parsed);
      if (!result.success) return;
      const message = result.data;
      switch (message.type) {
        case 'subscribe':
          for (const topic of message.topics ?? []) {
            if (typeof topic !== 'string') continue;
            let subs = topics.get(topic);
            if (!subs) topics.set(topic, (subs = new Set()));
            subs.add(conn);
            subscribed.add(topic);
          }
          break;
        case 'unsubscribe':
          for (const topic of message.topics ?? []) {
            if (typeof topic === 'string') topics.get(topic)?.delete(conn);
          }
          break;
        case 'publish': {
          if (typeof message.topic !== 'string') break;
          const receivers = topics.get(message.topic);
          if (receivers) {
            const out = { ...message, clients: receivers.size };
            for (const receiver of receivers) send(receiver, out);
          }
          break;
        }
        case 'ping':
          send(conn, { type: 'pong' });
          break;
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (http.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${actual}`,
    port: actual,
    stop: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
