/**
 * Attacks on the Node host's trust boundary, each performed against the real server and services:
 * a local process that knows the port (and sends the right Origin), a DNS-rebinding page, and an
 * authenticated client that floods or oversizes. Each shows the attack fail and nothing stored change.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect as connectTcp, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDispatcher, type Dispatcher } from '../../../shared/api/dispatcher';
import { libraryMethods } from '../../../shared/api/library';
import { HOST_LIMITS, MAX_MESSAGE_BYTES, startHostServer, type HostServer } from '../../../electron/host/server';
import { createServices, type Services } from '../../../electron/services/wiring';
import { openHostSession, type HostSession } from '../../helpers/host-session';
import { makeTempDir } from '../../helpers/temp-dir';

let services: Services;
let dispatch: Dispatcher;
let host: HostServer;
let session: HostSession;
const tmp = makeTempDir();
const staticDir = join(tmp.dir, 'renderer');

beforeAll(async () => {
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'export {};');
  services = await createServices({ dataDir: join(tmp.dir, 'data'), host: 'node', version: '0.0.0-test', isInMemoryDatabase: true });
  dispatch = createDispatcher(services.handlers, () => undefined);
  host = await startHostServer({ dispatch, events: services.events, staticDir, port: 0, onError: () => undefined });
  session = await openHostSession(host.url);
});
afterAll(async () => {
  await host.close();
  await services.close();
  tmp.remove();
});

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

function get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** One masked client frame (RFC 6455 §5.2); `claimedLength` may exceed the payload actually sent. */
function frame(payload: Buffer, claimedLength = payload.length): Buffer {
  const mask = randomBytes(4);
  let header: Buffer;
  if (claimedLength < 126) header = Buffer.from([0x81, 0x80 | claimedLength]);
  else if (claimedLength < 65536) header = Buffer.from([0x81, 0x80 | 126, claimedLength >> 8, claimedLength & 0xff]);
  else {
    header = Buffer.alloc(10);
    header[0] = 0x81;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(claimedLength), 2);
  }
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([header, mask, masked]);
}

function createRequest(name: string, id = 1): Buffer {
  return Buffer.from(JSON.stringify({ type: 'request', id, method: 'datanets.create', input: { name } }));
}

type RawUpgrade = { socket: Socket; status: number; received: () => Buffer; closed: Promise<void> };

/**
 * A WebSocket upgrade written byte by byte, as any local process can; `then` is written right
 * behind the request (pipelined), so a server that answered before checking would run it.
 */
function rawUpgrade(headers: Record<string, string>, then: Buffer = Buffer.alloc(0)): Promise<RawUpgrade> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(host.port, '127.0.0.1');
    let data = Buffer.alloc(0);
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      data = Buffer.concat([data, d]);
      const end = data.indexOf('\r\n\r\n');
      if (end >= 0 && !settled) {
        settled = true;
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data.toString('latin1'))?.[1] ?? 0);
        const afterHead = end + 4;
        resolve({ socket, status, received: () => data.subarray(afterHead), closed });
      }
    });
    let settled = false;
    socket.once('close', () => {
      if (!settled) reject(new Error('closed before answering'));
    });
    const lines = [
      'GET /api HTTP/1.1',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.write(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), then]));
  });
}

const goodHeaders = (): Record<string, string> => ({
  Host: `127.0.0.1:${host.port}`,
  Origin: session.origin,
  Cookie: session.cookie,
});

async function datanetNames(): Promise<string[]> {
  return (await services.datanets.list()).map((d) => d.name);
}

function ask(ws: WebSocket, message: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>));
    ws.send(JSON.stringify(message));
  });
}

function closeWs(ws: WebSocket): Promise<void> {
  return new Promise((r) => {
    ws.once('close', () => r());
    ws.close();
  });
}

function openWs(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe('the session key', () => {
  it('is traded for an HttpOnly, SameSite=Strict cookie and a redirect that drops it from the address', async () => {
    const token = new URL(host.url).searchParams.get('token') ?? '';
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const res = await get(`/?token=${token}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^datanet_desk_session_${host.port}=`));
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    // Other query parameters survive the redirect; only the key goes.
    expect((await get(`/?view=x&token=${token}`)).headers.location).toBe('/?view=x');
  });

  it('lets the page and its WebSocket work with the cookie (the legitimate flow)', async () => {
    const page = await get('/', { cookie: session.cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>app</title>');
    expect((await get('/api', { cookie: session.cookie })).status).toBe(204);
    const ws = await session.connect();
    const created = await ask(ws, { type: 'request', id: 1, method: 'datanets.create', input: { name: 'Legitimate' } });
    expect(created).toMatchObject({ id: 1, ok: true, result: { name: 'Legitimate' } });
    await closeWs(ws);
    expect(await datanetNames()).toContain('Legitimate');
  });

  it('refuses a local process with the right Origin but no cookie before any method runs', async () => {
    const before = await datanetNames();
    const { Cookie: _cookie, ...noCookie } = goodHeaders();
    const attempt = await rawUpgrade(noCookie, frame(createRequest('Planted without cookie')));
    expect(attempt.status).toBe(401);
    await attempt.closed;
    await expect(openWs({ Origin: session.origin })).rejects.toThrow(/401/);
    expect(await datanetNames()).toEqual(before);
  });

  it('refuses a wrong key and a forged cookie', async () => {
    const before = await datanetNames();
    const wrong = randomBytes(32).toString('base64url');
    const page = await get(`/?token=${wrong}`);
    expect(page.status).toBe(401);
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.body).toContain('Open the address printed by <code>npm run web</code>');
    const forged = `datanet_desk_session_${host.port}=${wrong}`;
    const attempt = await rawUpgrade({ ...goodHeaders(), Cookie: forged }, frame(createRequest('Planted with forged cookie')));
    expect(attempt.status).toBe(401);
    await attempt.closed;
    // A cookie for another port (another run of the host) is not this one's.
    const otherPort = `datanet_desk_session_${host.port + 1}=${new URL(host.url).searchParams.get('token')}`;
    expect((await rawUpgrade({ ...goodHeaders(), Cookie: otherPort })).status).toBe(401);
    expect((await get('/api', { cookie: forged })).status).toBe(401);
    expect(await datanetNames()).toEqual(before);
  });

  it('serves the page without the cookie only as a pointer to the printed address; the built assets are public', async () => {
    const page = await get('/');
    expect(page.status).toBe(401);
    expect(page.body).not.toContain('<title>app</title>');
    expect(page.body).toContain('it carries this session&rsquo;s key');
    expect((await get('/some/route')).status).toBe(401);
    expect((await get('/api')).status).toBe(401);
    const asset = await get('/assets/app.js');
    expect(asset.status).toBe(200);
    expect(asset.body).toBe('export {};');
  });
});

describe('DNS rebinding', () => {
  it('answers no HTTP request made under another host name, even with the key or the cookie', async () => {
    const token = new URL(host.url).searchParams.get('token') ?? '';
    for (const hostName of [`evil.example:${host.port}`, 'evil.example', `127.0.0.1.evil.example:${host.port}`]) {
      const withKey = await get(`/?token=${token}`, { Host: hostName });
      expect(withKey.status).toBe(421);
      expect(withKey.headers['set-cookie']).toBeUndefined();
      const withCookie = await get('/', { Host: hostName, cookie: session.cookie });
      expect(withCookie.status).toBe(421);
      expect(withCookie.body).not.toContain('<title>app</title>');
    }
    expect((await get('/', { Host: `localhost:${host.port}`, cookie: session.cookie })).status).toBe(200);
  });

  it('refuses a WebSocket upgrade under another host name, whatever Origin and cookie it sends', async () => {
    const before = await datanetNames();
    for (const origin of [`http://evil.example:${host.port}`, session.origin]) {
      const attempt = await rawUpgrade(
        { ...goodHeaders(), Host: `evil.example:${host.port}`, Origin: origin },
        frame(createRequest('Planted by rebinding')),
      );
      expect(attempt.status).toBe(421);
      await attempt.closed;
    }
    expect(await datanetNames()).toEqual(before);
  });
});

describe('bounds on an authenticated client', () => {
  it('lets a library.importFile of the largest upload through', () => {
    const input = libraryMethods['library.importFile'].input.shape;
    // Worst case around the file's base64: the longest id, and a name and path of characters JSON escapes as \uXXXX.
    const framing = JSON.stringify({
      type: 'request',
      id: Number.MAX_SAFE_INTEGER,
      method: 'library.importFile',
      input: {
        datanetId: 'x'.repeat(100),
        name: '\u0001'.repeat(input.name.maxLength ?? 0),
        relativePath: '\u0001'.repeat(input.relativePath.unwrap().maxLength ?? 0),
        dataBase64: '',
      },
    }).length;
    expect(MAX_MESSAGE_BYTES).toBeGreaterThanOrEqual((input.dataBase64.maxLength ?? Infinity) + framing);
    expect(MAX_MESSAGE_BYTES).toBeLessThan(300 * 1024 * 1024);
  });

  it('closes the socket on a frame over the limit, from its header, without running it', async () => {
    const before = await datanetNames();
    const body = createRequest('Planted by an oversize frame');
    // The header claims one byte over the limit; the server must not wait for (or buffer) the rest.
    const attempt = await rawUpgrade(goodHeaders());
    expect(attempt.status).toBe(101);
    attempt.socket.write(frame(body, MAX_MESSAGE_BYTES + 1));
    await expect.poll(() => attempt.received().length).toBeGreaterThanOrEqual(4);
    const closeFrame = attempt.received();
    expect(closeFrame[0]).toBe(0x88);
    expect(closeFrame.readUInt16BE(2)).toBe(1009);
    attempt.socket.destroy();
    await attempt.closed;
    expect(await datanetNames()).toEqual(before);
  });

  it(`refuses connections beyond ${HOST_LIMITS.maxConnections} with 503, and takes one again when a slot frees`, async () => {
    const open: WebSocket[] = [];
    for (let i = 0; i < HOST_LIMITS.maxConnections; i++) open.push(await session.connect());
    await expect(session.connect()).rejects.toThrow(/503/);
    const raw = await rawUpgrade(goodHeaders(), frame(createRequest('Planted past the connection cap')));
    expect(raw.status).toBe(503);
    await raw.closed;
    await closeWs(open.shift()!);
    // The server counts the TCP socket, which closes a moment after the WebSocket handshake does.
    await expect
      .poll(async () =>
        session.connect().then(
          (ws) => (open.push(ws), true),
          () => false,
        ),
      )
      .toBe(true);
    await Promise.all(open.map(closeWs));
    expect(await datanetNames()).not.toContain('Planted past the connection cap');
  });

  it(`answers a message flood beyond a burst of ${HOST_LIMITS.burst} with rate_limited, running none of the refused`, async () => {
    const ws = await session.connect();
    const replies = new Map<number, Record<string, unknown>>();
    const total = HOST_LIMITS.burst * 2;
    const allIn = new Promise<void>((resolve) =>
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as Record<string, unknown>;
        if (m.type === 'response') replies.set(m.id as number, m);
        if (replies.size === total) resolve();
      }),
    );
    const started = performance.now();
    for (let id = 1; id < total; id++) ws.send(JSON.stringify({ type: 'request', id, method: 'app.info', input: {} }));
    ws.send(createRequest('Planted by a flood', total).toString());
    await allIn;
    const elapsedSeconds = (performance.now() - started) / 1000;
    const bound = (m: Record<string, unknown>): unknown => (m.error as { details?: { bound?: string } } | undefined)?.details?.bound;
    const all = [...replies.values()];
    const overRate = all.filter((m) => bound(m) === 'rate');
    // Beyond the bucket, the in-flight bound also answers some (app.info is answered after the burst arrives).
    const overInFlight = all.filter((m) => bound(m) === 'in_flight');
    const answered = all.filter((m) => m.ok === true);
    expect(answered.length + overRate.length + overInFlight.length).toBe(total);
    expect([...overRate, ...overInFlight].every((m) => (m.error as { code: string }).code === 'rate_limited')).toBe(true);
    const admitted = total - overRate.length;
    expect(admitted).toBeGreaterThanOrEqual(HOST_LIMITS.burst);
    expect(admitted).toBeLessThanOrEqual(HOST_LIMITS.burst + Math.ceil(elapsedSeconds * HOST_LIMITS.requestsPerSecond) + 1);
    expect(replies.get(total)).toMatchObject({ ok: false, error: { code: 'rate_limited', details: { bound: 'rate' } } });
    expect(await datanetNames()).not.toContain('Planted by a flood');
    // The bucket refills: after a pause the same connection is served again.
    await new Promise((r) => setTimeout(r, 1100));
    ws.removeAllListeners('message');
    expect(await ask(ws, { type: 'request', id: total + 1, method: 'app.info', input: {} })).toMatchObject({ ok: true });
    await closeWs(ws);
  });

  it(`answers requests beyond ${HOST_LIMITS.maxInFlight} in flight with rate_limited`, async () => {
    // The real dispatcher behind a gate: requests stay in flight until the test opens it.
    let open = (): void => undefined;
    const gate = new Promise<void>((r) => (open = r));
    const heldDispatch: Dispatcher = (method, input) => gate.then(() => dispatch(method, input));
    const held = await startHostServer({ dispatch: heldDispatch, events: services.events, staticDir, port: 0, onError: () => undefined });
    try {
      const ws = await (await openHostSession(held.url)).connect();
      const replies: Record<string, unknown>[] = [];
      const total = HOST_LIMITS.maxInFlight + 5;
      const allIn = new Promise<void>((resolve) =>
        ws.on('message', (data) => {
          const m = JSON.parse(String(data)) as Record<string, unknown>;
          if (m.type === 'response') replies.push(m);
          if (replies.length === total) resolve();
        }),
      );
      for (let id = 1; id <= total; id++) ws.send(JSON.stringify({ type: 'request', id, method: 'app.info', input: {} }));
      await expect.poll(() => replies.length).toBe(5);
      expect(replies.map((m) => m.id)).toEqual([1, 2, 3, 4, 5].map((n) => HOST_LIMITS.maxInFlight + n));
      expect(replies).toEqual(
        replies.map(() =>
          expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'rate_limited', details: { bound: 'in_flight' } }) }),
        ),
      );
      open();
      await allIn;
      expect(replies.filter((m) => m.ok === true)).toHaveLength(HOST_LIMITS.maxInFlight);
      await closeWs(ws);
    } finally {
      await held.close();
    }
  });
});
