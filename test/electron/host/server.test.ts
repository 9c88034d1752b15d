import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDispatcher } from '../../../shared/api/dispatcher';
import { startHostServer, type HostServer } from '../../../electron/host/server';
import { contentSecurityPolicyFor } from '../../../shared/content-security-policy';
import { broadSources, connectSrc } from '../../helpers/csp';
import { OFFLINE_PROFILE } from '../services/submissions/helpers';
import { createServices, type Services } from '../../../electron/services/wiring';
import { openHostSession, type HostSession } from '../../helpers/host-session';
import { makeTempDir } from '../../helpers/temp-dir';

let services: Services;
let host: HostServer;
let session: HostSession;
const tmp = makeTempDir();

beforeAll(async () => {
  const staticDir = join(tmp.dir, 'renderer');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(tmp.dir, 'secret.txt'), 'outside the renderer folder');
  services = await createServices({ dataDir: join(tmp.dir, 'data'), host: 'node', version: '0.0.0-test', isInMemoryDatabase: true });
  const dispatch = createDispatcher(services.handlers, () => undefined);
  // As electron/host/index.ts wires it.
  host = await startHostServer({
    dispatch,
    events: services.events,
    staticDir,
    port: 0,
    onError: () => undefined,
    contentSecurityPolicy: async () => contentSecurityPolicyFor(await services.network.get()),
  });
  session = await openHostSession(host.url);
});
afterAll(async () => {
  await host.close();
  await services.close();
  tmp.remove();
});

function get(path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method: 'GET', headers: { cookie: session.cookie } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(origin: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    // With the session cookie: what is refused here is the Origin alone.
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api`, { origin, headers: { cookie: session.cookie } });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function ask(ws: WebSocket, message: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>));
    ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  });
}

describe('Node host server', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(host.server.address()).toMatchObject({ address: '127.0.0.1' });
  });

  it('serves the renderer with a strict Content-Security-Policy', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>app</title>');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // No network selected yet: the page may connect to its own origin only.
    expect(connectSrc(csp)).toEqual(["'self'"]);
  });

  it('lists the selected network’s signaling servers in connect-src, per response, and asks the page to reload when they change', async () => {
    const ws = await connect(`http://127.0.0.1:${host.port}`);
    const select = async (id: number, signalingUrls: string[]) => {
      const reply = await ask(ws, {
        type: 'request',
        id,
        method: 'network.setProfile',
        input: { json: JSON.stringify({ ...OFFLINE_PROFILE, name: `profile ${id}`, signalingUrls }) },
      });
      expect(reply).toMatchObject({ id, ok: true });
      return (reply.result as { isReloadNeeded: boolean }).isReloadNeeded;
    };
    const pageConnectSrc = async (path = '/') => connectSrc(String((await get(path)).headers['content-security-policy']));

    expect(await select(1, ['wss://signal-a.example/rooms'])).toBe(true);
    expect(await pageConnectSrc()).toEqual(["'self'", 'wss://signal-a.example']);
    // Every response carries it (a page's scripts and any worker get the same policy).
    expect(await pageConnectSrc('/assets/missing.js')).toEqual(["'self'", 'wss://signal-a.example']);

    expect(await select(2, ['ws://127.0.0.1:8547', 'wss://signal-b.example:8443/x'])).toBe(true);
    const afterSwitch = await pageConnectSrc();
    expect(afterSwitch).toEqual(["'self'", 'ws://127.0.0.1:8547', 'wss://signal-b.example:8443']);
    expect(afterSwitch).not.toContain('wss://signal-a.example');
    expect(broadSources(afterSwitch)).toEqual([]);

    // Same servers under another name: the open page's policy still fits.
    expect(await select(3, ['ws://127.0.0.1:8547/', 'wss://signal-b.example:8443'])).toBe(false);
    // A profile without signaling servers: own origin only again.
    expect(await select(4, [])).toBe(true);
    expect(await pageConnectSrc()).toEqual(["'self'"]);
    ws.close();
  });

  it('never serves files outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const res = await get(path);
      expect(res.body).not.toContain('outside the renderer folder');
    }
  });

  it('refuses WebSocket connections from other origins', async () => {
    await expect(connect('https://evil.example')).rejects.toThrow(/403/);
    await expect(connect('')).rejects.toThrow(/403/);
  });

  it('answers contract calls and reports malformed messages with invalid_input', async () => {
    const ws = await connect(`http://127.0.0.1:${host.port}`);
    const created = await ask(ws, { type: 'request', id: 7, method: 'datanets.create', input: { name: 'Wire test' } });
    expect(created).toMatchObject({ type: 'response', id: 7, ok: true, result: { name: 'Wire test' } });
    const invalid = await ask(ws, 'this is not json');
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const badBase64 = await ask(ws, {
      type: 'request',
      id: 8,
      method: 'library.importFile',
      input: { datanetId: (created.result as { id: string }).id, name: 'a.txt', dataBase64: '!!!not base64!!!' },
    });
    expect(badBase64).toMatchObject({ id: 8, ok: false, error: { code: 'invalid_input' } });
    ws.close();
  });
});
