import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDispatcher } from '../../../shared/api/dispatcher';
import { startHostServer, type HostServer } from '../../../electron/host/server';
import { createServices, type Services } from '../../../electron/services/wiring';
import { makeTempDir } from '../../helpers/temp-dir';

/**
 * Whoever drives the page of the Node host (a script injected into it, a tab that passed the
 * Origin check) must not pull files the user never chose into the library, where items.get would
 * read them back and a submission would send them away.
 */
let services: Services;
let host: HostServer;
const tmp = makeTempDir();
let sshKey = '';
let patientFolder = '';

beforeAll(async () => {
  const staticDir = join(tmp.dir, 'renderer');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>app</title>');
  mkdirSync(join(tmp.dir, 'home', '.ssh'), { recursive: true });
  // Named so that the library would accept it if the route were open.
  sshKey = join(tmp.dir, 'home', '.ssh', 'id_ed25519.txt');
  writeFileSync(sshKey, '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----\n');
  patientFolder = join(tmp.dir, 'patients', 'other-patient');
  mkdirSync(patientFolder, { recursive: true });
  writeFileSync(join(patientFolder, 'history.md'), '# Patient 042\nDiagnosis and medication.');
  services = await createServices({ dataDir: join(tmp.dir, 'data'), host: 'node', version: '0.0.0-test', isInMemoryDatabase: true });
  // As electron/host/index.ts wires it.
  host = await startHostServer({
    dispatch: createDispatcher(services.handlers, () => undefined),
    events: services.events,
    staticDir,
    port: 0,
    onError: () => undefined,
  });
});
afterAll(async () => {
  await host.close();
  await services.close();
  tmp.remove();
});

/** The session cookie a browser gets when it opens the address the host prints (none if the host sets none). */
async function sessionCookie(): Promise<string | undefined> {
  const res = await fetch(host.url, { redirect: 'manual' });
  await res.arrayBuffer();
  return (
    res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ') || undefined
  );
}

async function connect(): Promise<WebSocket> {
  const cookie = await sessionCookie();
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api`, {
      origin: `http://127.0.0.1:${host.port}`,
      ...(cookie ? { headers: { cookie } } : {}),
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, id: number, method: string, input: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      if (message.type !== 'response' || message.id !== id) return;
      ws.off('message', onMessage);
      resolve(message);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'request', id, method, input }));
  });
}

function blobFiles(): string[] {
  const root = join(tmp.dir, 'data', 'blobs');
  let dirs: string[] = [];
  try {
    dirs = readdirSync(root).filter((d) => d !== 'tmp');
  } catch {
    return [];
  }
  return dirs.flatMap((d) => readdirSync(join(root, d)));
}

describe('file access from the Node host page', () => {
  it('refuses library.importPaths over the WebSocket for an SSH key, /etc/passwd and another patient’s folder, storing nothing', async () => {
    const ws = await connect();
    const created = await call(ws, 1, 'datanets.create', { name: 'Mine' });
    const datanetId = (created.result as { id: string }).id;
    const events: unknown[] = [];
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string };
      if (message.type === 'event') events.push(message);
    });
    const reply = await call(ws, 2, 'library.importPaths', { datanetId, paths: [sshKey, '/etc/passwd', patientFolder], importId: 'x' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'not_found', message: 'Unknown method library.importPaths.' } });

    const items = await call(ws, 3, 'items.list', {});
    expect(items).toMatchObject({ ok: true, result: [] });
    expect(await services.library.list({})).toEqual([]);
    expect(blobFiles()).toEqual([]);
    // No progress event leaked a file name either.
    expect(events).toEqual([]);
    ws.close();
  });

  it('answers library.pickAndImport with unavailable: the page uses the browser’s own picker here', async () => {
    const ws = await connect();
    const created = await call(ws, 1, 'datanets.create', { name: 'Picker' });
    const datanetId = (created.result as { id: string }).id;
    const reply = await call(ws, 2, 'library.pickAndImport', { datanetId, mode: 'folder', importId: 'p' });
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: expect.stringContaining('file picker of the browser') },
    });
    expect(await services.library.list({ datanetId })).toEqual([]);
    ws.close();
  });
});
