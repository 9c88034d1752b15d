/**
 * The private key is not reachable from the renderer: after creating a wallet in the UI, signing
 * and submitting, neither the DOM, Web Storage, IndexedDB nor the page's JavaScript heap (a
 * V8 heap snapshot after garbage collection) holds it, and no WebSocket frame Chromium saw
 * carries it. After importing a key typed into the UI, the key leaves the renderer in the import
 * request only, and the form, storage and IndexedDB no longer hold it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { decryptKeystoreJson, Wallet } from 'ethers';
import type { Page } from '@playwright/test';
import { findCanaries, privateKeyCanaries, type Canary } from '../helpers/canary/find-canaries';
import { expect, test } from './fixtures';
import { startBuiltDevnet, type RunningDevnet } from './devnet';
import { startHost, type RunningHost } from './host';
import { SubmitPage } from './pages/SubmitPage';
import type * as ServicesModule from '../../electron/services/index';

const SERVICES = pathToFileURL(fileURLToPath(new URL('../../out/main/services.js', import.meta.url))).href;
const PASSPHRASE = 'correct horse battery staple';

let devnet: RunningDevnet | undefined;
let host: RunningHost | undefined;
let devnetDir: string | undefined;

test.afterEach(async () => {
  await host?.stop();
  await devnet?.stop();
  if (devnetDir) rmSync(devnetDir, { recursive: true, force: true });
  host = devnet = devnetDir = undefined;
});

async function seed(dataDir: string): Promise<void> {
  const { createServices } = (await import(SERVICES)) as typeof ServicesModule;
  const s = await createServices({ dataDir, host: 'node', version: 'e2e', submission: { isAutomatic: false } });
  try {
    const d = await s.datanets.create({ name: 'Key check', domain: 'clinical', description: 'Anonymised clinical notes.' });
    const { itemId } = await s.library.importBytes({
      datanetId: d.id,
      name: 'note.txt',
      bytes: new TextEncoder().encode('Patient John Smith, cough.\n'),
    });
    await s.versions.create({
      itemId: itemId as string,
      kind: 'anonymised',
      content: { kind: 'text', text: 'Patient [PERSON_1], cough, three days of fever, advised rest and fluids.\n' },
      report: { detections: [{ type: 'PERSON', operator: 'placeholder', count: 1 }] },
    });
  } finally {
    await s.close();
  }
}

/** Everything in the page a script could read: DOM with form values, Web Storage, every IndexedDB record. */
async function rendererState(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const values = Array.from(document.querySelectorAll('input, textarea')).map((el) => (el as HTMLInputElement).value);
    const storage = (s: Storage) =>
      Object.fromEntries(Array.from({ length: s.length }, (_, i) => s.key(i) as string).map((k) => [k, s.getItem(k)]));
    const idb: unknown[] = [];
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(info.name as string);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const all = await new Promise<unknown[]>((resolve) => {
          const r = db.transaction(store).objectStore(store).getAll();
          r.onsuccess = () => resolve(r.result);
        });
        idb.push({ db: info.name, store, all });
      }
      db.close();
    }
    return JSON.stringify({
      html: document.documentElement.outerHTML,
      values,
      local: storage(localStorage),
      session: storage(sessionStorage),
      idb,
    });
  });
}

/** A V8 heap snapshot of the page after a full garbage collection, as text. */
async function heapSnapshot(page: Page): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  const chunks: string[] = [];
  cdp.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => chunks.push(chunk));
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  await cdp.detach();
  return chunks.join('');
}

async function storedKey(dataDir: string): Promise<string> {
  return (await decryptKeystoreJson(readFileSync(join(dataDir, 'wallet', 'keystore.json'), 'utf8'), PASSPHRASE)).privateKey;
}

const search = (name: string, text: string, canaries: Canary[]) => findCanaries([{ name, bytes: Buffer.from(text) }], canaries);

test('a wallet made, used to sign and submit in the UI leaves its key nowhere the renderer can reach', async ({ page, dataDir }) => {
  devnetDir = mkdtempSync(join(tmpdir(), 'datanet-desk-e2e-devnet-'));
  devnet = await startBuiltDevnet(join(devnetDir, 'chain'), 0);
  const profilePath = join(devnetDir, 'profile.json');
  writeFileSync(profilePath, JSON.stringify(devnet.profile));
  await seed(dataDir);
  host = await startHost(dataDir);

  const frames: { direction: string; payload: string }[] = [];
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => frames.push({ direction: 'sent', payload: String(f.payload) }));
    ws.on('framereceived', (f) => frames.push({ direction: 'received', payload: String(f.payload) }));
  });
  await page.goto(host.url);
  const submit = new SubmitPage(page);
  await submit.open();
  await submit.loadNetworkProfile(profilePath, 'devnet');
  const address = await submit.createWallet(PASSPHRASE);
  await submit.selectAll();
  await submit.sign(await submit.review());
  await expect(submit.queueRows().first().getByText('Accepted', { exact: true })).toBeVisible({ timeout: 60_000 });

  const key = await storedKey(dataDir);
  expect(new Wallet(key).address).toBe(address);
  const canaries = privateKeyCanaries(key);
  expect(frames.length).toBeGreaterThan(10);
  expect(
    findCanaries(
      frames.map((f, i) => ({ name: `${f.direction}#${i}`, bytes: Buffer.from(f.payload) })),
      canaries,
    ),
  ).toEqual([]);
  expect(search('renderer state', await rendererState(page), canaries)).toEqual([]);
  const heap = await heapSnapshot(page);
  expect(heap.length).toBeGreaterThan(100_000);
  // The snapshot does hold what the page was given (the address), so the search looks in the right place.
  expect(heap.toLowerCase()).toContain(address.toLowerCase().slice(2));
  expect(search('heap', heap, canaries)).toEqual([]);

  // A key typed into the UI crosses once, in its import request, and is not kept by the page.
  const typed = Wallet.createRandom().privateKey;
  const before = frames.length;
  await submit.wallet().getByRole('button', { name: 'Replace…' }).click();
  await submit.wallet().getByLabel('Private key or mnemonic').fill(typed);
  // Replacing needs the current wallet's passphrase (its keystore is backed up first).
  await submit.wallet().getByLabel('Current wallet passphrase').fill(PASSPHRASE);
  await submit.wallet().getByLabel('New passphrase (8+ characters)').fill(PASSPHRASE);
  await submit.wallet().getByLabel('Repeat passphrase').fill(PASSPHRASE);
  await submit.wallet().getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('wallet-address')).toHaveText(new Wallet(typed).address, { timeout: 30_000 });
  const after = frames.slice(before).map((f, i) => ({ name: `${f.direction}#${i}`, bytes: Buffer.from(f.payload) }));
  const hits = findCanaries(after, privateKeyCanaries(typed));
  expect(new Set(hits.map((h) => h.capture)).size).toBe(1);
  expect(hits[0]?.capture).toMatch(/^sent#/);
  expect(search('renderer state', await rendererState(page), privateKeyCanaries(typed))).toEqual([]);
});
