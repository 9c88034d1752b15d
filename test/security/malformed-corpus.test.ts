/**
 * The malformed-input corpus (test/fixtures/malformed/manifest.json): every kind of bad input at
 * every entry point (import, policy import, model import, network profile, API payloads and raw
 * WebSocket frames, review-room updates from a peer, validator answers) gets its AppError code,
 * changes nothing stored, and leaves the app answering.
 */
import { createServer, type Server } from 'node:http';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDispatcher } from '../../shared/api/dispatcher';
import { isAppError } from '../../shared/errors';
import { startHostServer, type HostServer } from '../../electron/host/server';
import { ValidatorClient } from '../../electron/services/network/validator-client';
import { createServices, type Services } from '../../electron/services/wiring';
import { openHostSession } from '../helpers/host-session';
import { makeTempDir } from '../helpers/temp-dir';

const FIXTURES = fileURLToPath(new URL('../fixtures/malformed/', import.meta.url));
type Kind = {
  kind: string;
  entry: 'import' | 'policy' | 'network' | 'model' | 'ws' | 'api' | 'review' | 'validator';
  code: string;
  file?: string;
  dir?: string;
  name?: string;
  method?: string;
  input?: Record<string, unknown>;
  frame?: string;
  binaryBase64?: string;
  text?: string;
  status?: number;
};
const manifest = JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as { kinds: Kind[] };

let services: Services;
let host: HostServer;
let fakeValidator: Server;
let fakeValidatorUrl = '';
let fakeAnswer = { status: 200, body: Buffer.alloc(0) };
let datanetId = '';
let roomId = '';
const tmp = makeTempDir();
const dataDir = join(tmp.dir, 'data');
let dispatch: ReturnType<typeof createDispatcher>;

beforeAll(async () => {
  services = await createServices({
    dataDir,
    host: 'node',
    version: 'test',
    isInMemoryDatabase: true,
    submission: { isAutomatic: false, log: () => undefined },
  });
  dispatch = createDispatcher(services.handlers, () => undefined);
  const staticDir = join(tmp.dir, 'renderer');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>app</title>');
  host = await startHostServer({ dispatch, events: services.events, staticDir, port: 0, onError: () => undefined });
  // Stands in for a validator that answers badly: the real one never does, on purpose.
  fakeValidator = createServer((_req, res) =>
    res.writeHead(fakeAnswer.status, { 'content-type': 'application/json' }).end(fakeAnswer.body),
  );
  await new Promise<void>((r) => fakeValidator.listen(0, '127.0.0.1', r));
  fakeValidatorUrl = `http://127.0.0.1:${(fakeValidator.address() as AddressInfo).port}`;
  datanetId = (await services.datanets.create({ name: 'Corpus', domain: 'clinical', description: 'Malformed inputs.' })).id;
  roomId = (await services.rooms.create({ datanetId, title: 'Corpus room' })).id;
});
afterAll(async () => {
  await host?.close();
  fakeValidator?.close();
  await services?.close();
  tmp.remove();
});

/** Every row count of every table, and every file of the data folder with its size: what "stored" means. */
async function storedState(): Promise<string> {
  const { rows } = await services.db.query<{ tablename: string }>(
    `select tablename from pg_tables where schemaname = 'public' order by tablename`,
  );
  const counts: string[] = [];
  for (const { tablename } of rows) {
    const c = await services.db.query<{ n: number }>(`select count(*)::int as n from "${tablename}"`);
    counts.push(`${tablename}=${c.rows[0]?.n}`);
  }
  const files = readdirSync(dataDir, { recursive: true })
    .map((f) => join(dataDir, String(f)))
    .filter((f) => statSync(f).isFile() && !f.endsWith('.lock'))
    .map((f) => `${relative(dataDir, f)}:${statSync(f).size}`)
    .sort();
  return [...counts, ...files].join('\n');
}

async function call(method: string, input: unknown): Promise<string> {
  const reply = await dispatch(method, input);
  if (reply.ok) return 'ok';
  return reply.error.code;
}

async function wsCode(k: Kind): Promise<string> {
  const session = await openHostSession(host.url);
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api`, { origin: session.origin, headers: { cookie: session.cookie } });
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const reply = new Promise<string>((r) => ws.once('message', (d: Buffer) => r(d.toString())));
  ws.send(k.binaryBase64 !== undefined ? Buffer.from(k.binaryBase64, 'base64') : (k.frame as string), {
    binary: k.binaryBase64 !== undefined,
  });
  const message = JSON.parse(await reply) as { ok: boolean; error?: { code: string } };
  ws.close();
  return message.ok ? 'ok' : (message.error?.code ?? 'none');
}

async function codeOf(k: Kind): Promise<string> {
  const fixture = (p: string) => resolve(FIXTURES, p);
  switch (k.entry) {
    case 'import': {
      const bytes = readFileSync(fixture(k.file as string));
      const reply = await dispatch('library.importFile', {
        datanetId,
        name: k.name ?? (k.file as string).split('/').pop(),
        dataBase64: bytes.toString('base64'),
      });
      if (!reply.ok) return reply.error.code;
      const result = reply.result as { status: string; code?: string };
      return result.status === 'rejected' ? (result.code ?? 'none') : result.status;
    }
    case 'policy':
      return call('datanets.import', { json: readFileSync(fixture(k.file as string), 'utf8') });
    case 'network':
      return call('network.setProfile', { json: readFileSync(fixture(k.file as string), 'utf8') });
    case 'model':
      return call('embeddings.importModel', { path: fixture(k.dir as string) });
    case 'ws':
      return wsCode(k);
    case 'api':
      return call(k.method as string, JSON.parse(JSON.stringify(k.input).replace('$DATANET', datanetId)));
    case 'review': {
      const update = k.text ?? readFileSync(fixture(k.file as string)).toString('base64');
      return call('rooms.appendUpdate', { id: roomId, update });
    }
    case 'validator': {
      fakeAnswer = { status: k.status ?? 200, body: readFileSync(fixture(k.file as string)) };
      try {
        await new ValidatorClient(fakeValidatorUrl, 5_000).health();
        return 'ok';
      } catch (error) {
        return isAppError(error) ? error.code : `thrown:${String(error)}`;
      }
    }
  }
}

describe('malformed-input corpus', () => {
  it('covers at least 30 kinds across every entry point', () => {
    expect(manifest.kinds.length).toBeGreaterThanOrEqual(30);
    expect(new Set(manifest.kinds.map((k) => k.entry))).toEqual(
      new Set(['import', 'policy', 'network', 'model', 'ws', 'api', 'review', 'validator']),
    );
    expect(new Set(manifest.kinds.map((k) => k.kind)).size).toBe(manifest.kinds.length);
  });

  it.each(manifest.kinds.map((k) => [k.kind, k] as const))('%s', async (_name, k) => {
    const before = await storedState();
    expect(await codeOf(k)).toBe(k.code);
    expect(await storedState()).toBe(before);
  });

  it('still answers after all of them', async () => {
    expect(await call('app.info', {})).toBe('ok');
    expect(await call('datanets.list', {})).toBe('ok');
  });
});
