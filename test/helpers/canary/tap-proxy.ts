import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { inflateRawSync } from 'node:zlib';

/** Every byte one client connection sent through a tap, and what it decodes to. */
export type TapConnection = {
  /** Bytes from the app to the server, exactly as they crossed the socket. */
  sent: Buffer;
  /** WebSocket connections: the unmasked (and inflated) payload of every client frame, in order. */
  wsPayloads: Buffer[];
};

export type Tap = {
  name: string;
  /** The tap's address, with the target's scheme and path (`http://127.0.0.1:PORT/...`). */
  url: string;
  connections: TapConnection[];
  /** Everything to search: the raw stream of each connection and each decoded WebSocket payload. */
  captures(): { name: string; bytes: Uint8Array }[];
  bytesSent(): number;
  close(): Promise<void>;
};

/**
 * Client-to-server WebSocket frames are XOR-masked (RFC 6455 §5.3), so a canary never shows in
 * the raw stream of a WebSocket: decode each frame after the HTTP upgrade and unmask it.
 */
export function decodeClientFrames(stream: Buffer): Buffer[] {
  const headerEnd = stream.indexOf('\r\n\r\n');
  if (headerEnd < 0 || !/^GET [^\r\n]* HTTP\/1\.1\r\n/.test(stream.subarray(0, 64).toString('latin1'))) return [];
  if (!/\r\nupgrade:\s*websocket/i.test(stream.subarray(0, headerEnd).toString('latin1'))) return [];
  const payloads: Buffer[] = [];
  let at = headerEnd + 4;
  while (at + 2 <= stream.length) {
    const b0 = stream[at] as number;
    const b1 = stream[at + 1] as number;
    let length = b1 & 0x7f;
    let cursor = at + 2;
    if (length === 126) {
      if (cursor + 2 > stream.length) break;
      length = stream.readUInt16BE(cursor);
      cursor += 2;
    } else if (length === 127) {
      if (cursor + 8 > stream.length) break;
      length = Number(stream.readBigUInt64BE(cursor));
      cursor += 8;
    }
    const isMasked = (b1 & 0x80) !== 0;
    const mask = isMasked ? stream.subarray(cursor, cursor + 4) : undefined;
    if (isMasked) cursor += 4;
    if (cursor + length > stream.length) break;
    const payload = Buffer.from(stream.subarray(cursor, cursor + length));
    if (mask) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (mask[i % 4] as number);
    const isCompressed = (b0 & 0x40) !== 0;
    if (isCompressed) {
      try {
        payloads.push(inflateRawSync(Buffer.concat([payload, Buffer.from([0, 0, 0xff, 0xff])])));
      } catch {
        payloads.push(payload);
      }
    } else payloads.push(payload);
    at = cursor + length;
  }
  return payloads;
}

/**
 * A loopback TCP tap in front of one server (chain RPC, validator, signaling): the app is pointed
 * at the tap, the tap forwards both ways and keeps every byte the app sent. Sitting below HTTP
 * and WebSocket, it sees what the app really put on the wire, whatever library sent it.
 */
export async function startTap(name: string, targetUrl: string): Promise<Tap> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port || (target.protocol === 'https:' || target.protocol === 'wss:' ? 443 : 80));
  const connections: { sent: Buffer[]; record: TapConnection }[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: targetPort });
    const entry = { sent: [] as Buffer[], record: { sent: Buffer.alloc(0), wsPayloads: [] as Buffer[] } };
    connections.push(entry);
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      entry.sent.push(chunk);
      upstream.write(rewriteHost(chunk));
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // Servers that refuse a foreign Host header (DNS-rebinding guards) must see their own: the tap
  // records what the app sent and forwards it with the target's host.
  const tapHost = new RegExp(`\r\nhost: 127\\.0\\.0\\.1:${port}\r\n`, 'gi');
  const rewriteHost = (chunk: Buffer): Buffer => {
    const text = chunk.toString('latin1');
    const rewritten = text.replace(tapHost, `\r\nHost: ${target.host}\r\n`);
    return rewritten === text ? chunk : Buffer.from(rewritten, 'latin1');
  };
  const url = new URL(targetUrl);
  url.host = `127.0.0.1:${port}`;
  const snapshot = (): TapConnection[] =>
    connections.map((c) => {
      const sent = Buffer.concat(c.sent);
      return { sent, wsPayloads: decodeClientFrames(sent) };
    });
  return {
    name,
    url: url.href.replace(/\/$/, targetUrl.endsWith('/') ? '/' : ''),
    get connections() {
      return snapshot();
    },
    captures() {
      return snapshot().flatMap((c, i) => [
        { name: `${name}#${i}`, bytes: c.sent },
        ...c.wsPayloads.map((p, j) => ({ name: `${name}#${i}/ws${j}`, bytes: p })),
      ]);
    },
    bytesSent() {
      return connections.reduce((n, c) => n + c.sent.reduce((m, b) => m + b.length, 0), 0);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
