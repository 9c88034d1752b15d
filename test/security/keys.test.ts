/**
 * The contributor's private key never leaves the host process in clear: not in any WebSocket
 * frame the host sends (responses, events), not in any frame the renderer sends except the one
 * wallet.import request that carries a key the user typed, not in logs, and not in any file of
 * the data folder (PGlite's data directory included). Drives the real Node host over its real
 * WebSocket through wallet create, import, unlock, sign and submit on the devnet.
 */
import { readdirSync, readFileSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decryptKeystoreJson, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDispatcher } from '../../shared/api/dispatcher';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/api/index';
import type { Devnet } from '../../devnet/devnet';
import { startHostServer, type HostServer } from '../../electron/host/server';
import { KEYSTORE_FILE } from '../../electron/services/wallet/keystore-vault';
import type { Services } from '../../electron/services/wiring';
import { syntheticNote } from '../devnet/corpus';
import { startTestDevnet } from '../devnet/devnet-client';
import { createDatanet, importAnonymised, openServices, PASSPHRASE } from '../electron/services/submissions/helpers';
import { findCanaries, privateKeyCanaries } from '../helpers/canary/find-canaries';
import { openHostSession } from '../helpers/host-session';
import { makeTempDir } from '../helpers/temp-dir';

type Frame = { direction: 'in' | 'out'; text: string };

let devnet: Devnet;
let removeDevnet: () => void;
let services: Services;
let host: HostServer;
let ws: WebSocket;
const tmp = makeTempDir();
const dataDir = join(tmp.dir, 'data');
const frames: Frame[] = [];
const logs: string[] = [];
let nextId = 1;
const pending = new Map<number, (message: { ok: boolean; result?: unknown; error?: { code: string } }) => void>();

/** A contract call over the host's WebSocket, exactly as the renderer makes it. */
async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const id = nextId++;
  const text = JSON.stringify({ type: 'request', id, method, input });
  frames.push({ direction: 'out', text });
  const reply = await new Promise<{ ok: boolean; result?: unknown; error?: { code: string } }>((resolve) => {
    pending.set(id, resolve);
    ws.send(text);
  });
  if (!reply.ok) throw new Error(`${method}: ${reply.error?.code}`);
  return reply.result as MethodOutput<M>;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile());
}

async function keystoreKey(): Promise<string> {
  const json = readFileSync(join(dataDir, 'wallet', KEYSTORE_FILE), 'utf8');
  return (await decryptKeystoreJson(json, PASSPHRASE)).privateKey;
}

async function submitAndSettle(datanetName: string, seed: number): Promise<void> {
  const datanetId = await createDatanet(services, datanetName);
  const itemIds = [await importAnonymised(services, datanetId, `n-${seed}.txt`, syntheticNote(seed))];
  const prepared = await call('submissions.prepare', { datanetId, itemIds });
  const queued = await call('submissions.submit', { requestId: prepared.requestId, manifestHash: prepared.manifestHash });
  await services.submissionQueue.settle([queued.id]);
  expect((await call('submissions.get', { id: queued.id })).status).toBe('accepted');
}

beforeAll(async () => {
  ({ devnet, remove: removeDevnet } = await startTestDevnet());
  services = await openServices(dataDir, { isAutomatic: false, log: (line) => logs.push(line) });
  const staticDir = join(tmp.dir, 'renderer');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>app</title>');
  const dispatch = createDispatcher(services.handlers, (error, method) =>
    logs.push(`internal error in ${method}: ${String((error as Error).stack)}`),
  );
  host = await startHostServer({ dispatch, events: services.events, staticDir, port: 0, onError: (e) => logs.push(String(e)) });
  const session = await openHostSession(host.url);
  ws = new WebSocket(`ws://127.0.0.1:${host.port}/api`, { origin: session.origin, headers: { cookie: session.cookie } });
  ws.on('message', (data: Buffer) => {
    const text = data.toString();
    frames.push({ direction: 'in', text });
    const message = JSON.parse(text) as { type: string; id: number; ok: boolean };
    if (message.type === 'response') pending.get(message.id)?.(message);
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
});
afterAll(async () => {
  ws?.close();
  await host?.close();
  await services?.close();
  await devnet?.stop();
  removeDevnet?.();
  tmp.remove();
});

describe('the private key stays in the host process', () => {
  it('is in no frame, log line or data-folder file through create, sign, submit, import, lock and unlock', async () => {
    // Console output of the whole flow counts as logs too.
    const original = { log: console.log, error: console.error, warn: console.warn };
    for (const level of ['log', 'error', 'warn'] as const) {
      console[level] = (...args: unknown[]) => logs.push(args.map(String).join(' '));
    }
    try {
      await call('network.setProfile', { json: JSON.stringify(devnet.profile) });
      const created = await call('wallet.create', {});
      const createdKey = await keystoreKey();
      expect(new Wallet(createdKey).address).toBe(created.address);
      await call('wallet.fund', {});
      await submitAndSettle('Keys A', 4100);
      await call('wallet.lock', {});
      await call('wallet.unlock', {});
      await call('wallet.address', {});
      await call('wallet.status', {});

      const imported = Wallet.createRandom();
      const importFrameIndex = frames.length;
      // Replacing needs the current passphrase; the old keystore is backed up (encrypted) in the data folder.
      await call('wallet.import', { privateKey: imported.privateKey, replace: true, currentPassphrase: PASSPHRASE });
      expect(await keystoreKey()).toBe(imported.privateKey);
      await call('wallet.fund', {});
      await submitAndSettle('Keys B', 4200);
      await call('wallet.lock', {});

      const canaries = [...privateKeyCanaries(createdKey), ...privateKeyCanaries(imported.privateKey)];
      // The import request is the one frame allowed to carry a key: the one the user gave.
      const importFrame = frames[importFrameIndex] as Frame;
      expect(importFrame.direction).toBe('out');
      expect(importFrame.text).toContain('"wallet.import"');
      expect(
        findCanaries([{ name: 'import request', bytes: Buffer.from(importFrame.text) }], privateKeyCanaries(imported.privateKey)).length,
      ).toBeGreaterThan(0);
      const otherFrames = frames
        .filter((f) => f !== importFrame)
        .map((f, i) => ({ name: `${f.direction}#${i}`, bytes: Buffer.from(f.text) }));
      expect(frames.filter((f) => f.direction === 'in').length).toBeGreaterThan(10);
      expect(findCanaries(otherFrames, canaries)).toEqual([]);
      expect(findCanaries([{ name: 'logs', bytes: Buffer.from(logs.join('\n')) }], canaries)).toEqual([]);

      // On disk: PGlite's files, blobs, journal, keystore (encrypted): nothing in clear.
      await services.close();
      const files = filesUnder(dataDir);
      expect(files.some((f) => f.includes(`${join('data', 'db')}`))).toBe(true);
      const hits = findCanaries(
        files.map((f) => ({ name: f.slice(dataDir.length), bytes: readFileSync(f) })),
        canaries,
      );
      expect(hits).toEqual([]);
      console.info(JSON.stringify({ framesInspected: frames.length, filesInspected: files.length, keysFound: hits.length }));
    } finally {
      Object.assign(console, original);
    }
  });
});
