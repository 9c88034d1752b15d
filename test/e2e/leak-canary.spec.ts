import { chromium, type Browser, type Page } from '@playwright/test';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServices } from '../../electron/services/wiring';
import { parseInvite, signalingRoomName } from '../../shared/review/invite';
import type { NetworkProfile } from '../../shared/network-profile';
import { findCanaries, type Canary } from '../helpers/canary/find-canaries';
import { capturesOf, ProcessTaps, requestsOf, type TapSnapshot } from '../helpers/canary/netns-taps';
import { countContributions, startBuiltDevnet, type RunningDevnet } from './devnet';
import { CHROMIUM_ARGS, CHROMIUM_PATH, expect, test } from './fixtures';
import { startHost, type RunningHost } from './host';
import { createNetns, type Netns } from './netns';
import { AnonymisePage } from './pages/AnonymisePage';
import { AppPage } from './pages/AppPage';
import { EmbeddingsPage } from './pages/EmbeddingsPage';
import { ReviewPage } from './pages/ReviewPage';
import { SubmitPage } from './pages/SubmitPage';

/**
 * Leak canaries: notes seeded with identifiers made up for this run go through the whole golden
 * path (import, anonymise, embed, share to a review room, vote from a second browser, submit,
 * attest, verdict) and every byte the app sends to the chain RPC, the validator (and faucet) and
 * the signaling server is searched for them, raw, UTF-16, hex and base64/base64url at every
 * alignment. Everything runs in a network namespace this test creates (two Chromium processes
 * need addresses for WebRTC, see netns.ts), so the taps run there too, in a process of their own
 * (test/helpers/canary/netns-taps.ts). The WebRTC data channel between the browsers is DTLS
 * peer to peer and not captured; what a peer receives is checked on its page instead.
 */
const PASSPHRASE = 'leak-canary passphrase';
const MODEL_DIR = fileURLToPath(new URL('../../../shared/models/random-minilm-l6', import.meta.url));
const DATANET = 'Leak canary notes';

/** Clinical text that is not personal data and stays in the anonymised notes (the checker must find it). */
const BODIES = [
  'presented with a persistent dry cough and low grade fever for three days. Chest auscultation revealed scattered wheezing. Prescribed a salbutamol inhaler and advised rest.',
  'attended a follow up visit for type 2 diabetes mellitus. HbA1c improved from 8.1 to 7.2 percent on metformin twice daily. Discussed diet, regular exercise and daily foot inspection.',
  'was admitted via the emergency department with acute right lower quadrant abdominal pain and rebound tenderness. Ultrasound consistent with appendicitis; laparoscopic appendectomy performed.',
];
const CONTROL_SENTENCE = 'Chest auscultation revealed scattered wheezing';

const FIRST_NAMES = ['Marta', 'Oskar', 'Helena', 'Tobias', 'Ingrid', 'Nadia', 'Felix', 'Greta', 'Lukas', 'Sofia'];
const SYLLABLES = ['var', 'kel', 'dor', 'min', 'sto', 'bre', 'qua', 'len', 'zor', 'tav', 'rik', 'mon', 'pel', 'gru'];
const PHRASE_WORDS = [
  ['amber', 'violet', 'copper', 'silent', 'hollow', 'crimson', 'frosty', 'gentle'],
  ['otter', 'lantern', 'harbour', 'meadow', 'compass', 'thimble', 'walrus', 'kettle'],
  ['juggles', 'whistles', 'borrows', 'paints', 'gathers', 'polishes', 'tickles', 'folds'],
  ['seventeen', 'eleven', 'ninety', 'forty', 'twelve', 'sixty', 'thirteen', 'eighty'],
  ['quiet', 'woollen', 'striped', 'ancient', 'crooked', 'velvet', 'rusty', 'tiny'],
  ['teacups', 'pebbles', 'kites', 'spoons', 'barrels', 'feathers', 'buttons', 'acorns'],
];

const pick = <T>(list: readonly T[]): T => list[randomInt(list.length)] as T;
const madeUpWord = (): string => {
  const word = Array.from({ length: 3 }, () => pick(SYLLABLES)).join('');
  return word[0]!.toUpperCase() + word.slice(1);
};
const digits = (s: string): string => s.replace(/\D/g, '');

type Note = {
  file: string;
  text: string;
  /** Every canary of the note by kind, including the derived forms (digits only, surname alone). */
  canaries: Record<string, string>;
  /** What the reviewer must see replaced, with the type to add it as if detection missed it. */
  identifiers: [value: string, type: string][];
  phrase: string;
};

/** A note with identifiers of its own, made up for this run (nothing here is anyone's data). */
function makeNote(index: number): Note {
  const first = pick(FIRST_NAMES);
  const surname = madeUpWord();
  const name = `${first} ${surname}`;
  const emailLocal = `${first.toLowerCase()}.${surname.toLowerCase()}${randomInt(100, 1000)}`;
  const email = `${emailLocal}@example.org`;
  const phone = `(617) 555-${randomInt(1000, 10_000)}`;
  const mrn = String(randomInt(10_000_000, 100_000_000));
  const ssn = `${randomInt(100, 666)}-${randomInt(10, 100)}-${randomInt(1000, 10_000)}`;
  const street = madeUpWord();
  const address = `${randomInt(100, 10_000)} ${street} Street`;
  const phrase = PHRASE_WORDS.map(pick).join(' ');
  const text = [
    `Patient: ${name}`,
    `MRN: ${mrn}`,
    `SSN: ${ssn}`,
    `Phone: ${phone}`,
    `Email: ${email}`,
    `Address: ${address}, Springfield`,
    '',
    `${name} ${BODIES[index]} Keyword for the ward: ${phrase}.`,
    '',
  ].join('\n');
  return {
    file: `note-${index + 1}.txt`,
    text,
    canaries: {
      name,
      surname,
      email,
      emailLocal,
      phone,
      phoneDigits: digits(phone),
      mrn,
      ssn,
      ssnDigits: digits(ssn),
      address,
      street,
      phrase,
    },
    identifiers: [
      [name, 'Person'],
      [mrn, 'Medical record'],
      [ssn, 'SSN'],
      [phone, 'Phone'],
      [email, 'Email'],
      [address, 'Address'],
    ],
    phrase,
  };
}

let netns: Netns;
let devnet: RunningDevnet;
let taps: ProcessTaps;
const dirs: string[] = [];
const browsers: Browser[] = [];
const hosts: RunningHost[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

async function launch(): Promise<Page> {
  const browser = await chromium.launch({
    executablePath: netns.wrapperFor(CHROMIUM_PATH),
    // Host candidates as plain addresses: mDNS names would need a responder the namespace lacks.
    args: [...CHROMIUM_ARGS, '--disable-features=WebRtcHideLocalIpsWithMdns'],
    headless: true,
  });
  browsers.push(browser);
  return browser.newPage();
}

async function host(dataDir: string, env: Record<string, string>): Promise<RunningHost> {
  const h = await startHost(dataDir, 0, env, netns.wrap);
  hosts.push(h);
  return h;
}

/** The reviewer's data folder: a wallet and the tapped profile (the reviewer's own setup is not under test). */
async function seedReviewer(dataDir: string, profile: NetworkProfile): Promise<void> {
  const s = await createServices({
    dataDir,
    host: 'node',
    version: 'e2e',
    submission: { environmentPassphrase: () => PASSPHRASE, isAutomatic: false },
  });
  try {
    await s.wallet.create({});
    await s.network.setProfileJson(JSON.stringify(profile));
    await s.datanets.create({ name: 'Reviews', domain: '', description: '' });
  } finally {
    await s.close();
  }
}

/**
 * Reviews one note in the Anonymise tab: detect, mark the phrase (not personal data by its
 * shape), add whatever identifier detection left in, check the side-by-side text, export.
 */
async function anonymise(page: Page, note: Note): Promise<string[]> {
  const anon = new AnonymisePage(page);
  await page.getByRole('tab', { name: 'Library' }).click();
  await anon.openFromLibrary(note.file);
  await anon.detect();
  await anon.selectTextWithFind(note.phrase);
  await anon.addSelectedSpan('Other id');
  await expect(anon.highlight(note.phrase)).toHaveAttribute('data-origin', 'reviewer');
  const addedByHand: string[] = [];
  const anonymised = async (): Promise<string> => {
    await anon.showSideBySide();
    const text = (await anon.anonymisedText().textContent()) ?? '';
    await anon.showReview();
    return text;
  };
  for (const [value, type] of note.identifiers) {
    // A detector that misses an identifier is not what this test is about: the reviewer adds it, as a user would.
    for (let attempt = 0; attempt < 3 && (await anonymised()).includes(value); attempt++) {
      await anon.selectTextWithFind(value);
      await anon.addSelectedSpan(type);
      addedByHand.push(type);
    }
  }
  const final = await anonymised();
  for (const canary of Object.values(note.canaries)) expect(final).not.toContain(canary);
  await anon.export();
  return addedByHand;
}

test.beforeAll(async () => {
  netns = await createNetns();
  devnet = await startBuiltDevnet(tempDir('datanet-desk-leak-devnet-'), 0, netns.wrap);
  taps = await ProcessTaps.start(devnet.profile, netns.wrap);
});

test.afterAll(async () => {
  for (const b of browsers) await b.close().catch(() => undefined);
  for (const h of hosts) await h.stop();
  await taps?.close();
  await devnet?.stop();
  await netns?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('leak canaries: identifiers from imported notes reach neither the chain RPC, the validator nor the signaling server along the whole golden path', async () => {
  // Two browsers, two hosts, a devnet and an embedding model on a shared two-core machine.
  test.setTimeout(600_000);
  const notes = [0, 1, 2].map(makeNote);
  const files = tempDir('datanet-desk-leak-files-');
  for (const note of notes) writeFileSync(join(files, note.file), note.text);
  const profilePath = join(files, 'network-profile.json');
  writeFileSync(profilePath, JSON.stringify(taps.profile));

  const dataB = tempDir('datanet-desk-leak-b-');
  await seedReviewer(dataB, taps.profile);
  const hostA = await host(tempDir('datanet-desk-leak-a-'), { DATANET_DESK_MODEL_DIR: MODEL_DIR });
  const hostB = await host(dataB, { DATANET_DESK_PASSPHRASE: PASSPHRASE });
  const pageA = await launch();
  const pageB = await launch();

  // Import through the UI.
  const app = new AppPage(pageA);
  await app.open(hostA.url);
  await app.createDatanet(DATANET, 'clinical');
  await app.importFiles(notes.map((n) => join(files, n.file)));
  await expect(app.itemRows()).toHaveCount(3);

  // Anonymise through the UI.
  const addedByHand: string[] = [];
  for (const note of notes) addedByHand.push(...(await anonymise(pageA, note)));

  // Embed.
  const embeddings = new EmbeddingsPage(pageA);
  await embeddings.open();
  expect(await embeddings.embed(180_000)).toMatch(/^Done: 3 embedded/);

  // The network (behind the taps) and a wallet; the page is reloaded so its CSP admits the signaling server.
  const submit = new SubmitPage(pageA);
  await submit.open();
  await submit.loadNetworkProfile(profilePath, taps.profile.name);
  const address = await submit.createWallet(PASSPHRASE);
  await pageA.reload();
  await app.datanetLink(DATANET).click();
  await expect(pageA.getByRole('heading', { level: 1, name: DATANET })).toBeVisible();

  // The test model's random weights make every note a "semantic duplicate" of another: the contributor overrides.
  await app.openTab('Library');
  for (const note of notes) {
    const detail = await app.openItem(note.file);
    await expect(embeddings.quality(detail).getByLabel('Relevance')).toHaveText(/^-?\d+ % · /);
    const override = embeddings.overrideCheckbox(detail);
    if ((await override.count()) > 0) {
      await override.check();
      await expect(embeddings.duplicateFlag(detail)).toHaveText('Duplicate, submitted anyway (override)');
    }
  }

  // Share to a review room; a second browser (its own Chromium process and host) joins over real WebRTC.
  const a = new ReviewPage(pageA);
  await a.open();
  await a.createRoom('Leak canary review');
  await a.share(notes.map((n) => n.file));
  await expect(a.queueItems()).toHaveCount(3);
  const invite = await a.invite();
  await new AppPage(pageB).open(hostB.url);
  const b = new ReviewPage(pageB);
  await b.open();
  await b.joinRoom(invite);
  await expect(b.queueItems()).toHaveCount(3, { timeout: 120_000 });
  await expect(a.connection()).toContainText('1 peer connected', { timeout: 60_000 });
  await expect(b.connection()).toContainText('1 peer connected', { timeout: 60_000 });

  // The reviewer sees anonymised text only, and votes on each item; the votes reach the contributor.
  for (let i = 0; i < notes.length; i++) {
    const item = await b.selectItem(i);
    await expect(item.getByRole('textbox', { name: /Anonymised text/ })).toHaveValue(/\[PERSON_1\]/);
    await b.vote('accept', 'identifiers removed');
  }
  const seenByReviewer = (await pageB.content()) + (await pageB.locator('body').innerText());
  for (const note of notes) for (const canary of Object.values(note.canaries)) expect(seenByReviewer).not.toContain(canary);
  for (let i = 0; i < notes.length; i++) await expect(a.queueItems().nth(i)).toContainText('1 vote', { timeout: 60_000 });
  await a.selectItem(0);
  await a.vote('accept', 'looks clean');
  for (const peer of [a, b]) await expect(peer.queueItems().nth(0)).toContainText('Accepted · 2 votes', { timeout: 60_000 });

  // Submit the three items: signed, attested on chain, accepted by the validator.
  await submit.open();
  await submit.selectAll();
  await expect(submit.readyBadges()).toHaveCount(3);
  await submit.sign(await submit.review());
  const row = submit.queueRows().first();
  await expect(row.getByText('Accepted', { exact: true })).toBeVisible({ timeout: 180_000 });
  await expect(row).toHaveAttribute('data-status', 'accepted');
  const onchainUid = await row.locator('[title^="0x"]').nth(1).getAttribute('title');
  expect(onchainUid).toMatch(/^0x[0-9a-f]{64}$/);
  const manifestHash = (await row.getAttribute('data-manifest')) ?? '';
  expect(await countContributions(devnet.profile, address, (url, body) => taps.post(url, body))).toBe(1);
  const { roomName, password } = parseInvite(invite);

  // Everything has been sent: close the browsers and hosts so that no connection is mid-message.
  for (const browser of browsers.splice(0)) await browser.close();
  for (const h of hosts.splice(0)) await h.stop();
  const snapshot = await taps.snapshot();
  const captures = capturesOf(snapshot);

  // What was captured, per endpoint.
  const tapOf = (name: string): TapSnapshot => snapshot.find((t) => t.name === name) ?? { name, connections: [] };
  const sum = (buffers: Buffer[]) => buffers.reduce((n, x) => n + x.length, 0);
  const endpoints = snapshot.map((t) => {
    const sent = sum(t.connections.map((c) => c.sent));
    const decoded = sum(t.connections.flatMap((c) => c.wsPayloads));
    const isWebSocket = t.connections.some((c) => c.wsPayloads.length > 0);
    return {
      endpoint: t.name,
      connections: t.connections.length,
      bytesSent: sent,
      wsPayloadBytes: decoded,
      bytesInspected: sent + decoded,
      ...(isWebSocket ? { wsFrames: t.connections.reduce((n, c) => n + c.wsPayloads.length, 0) } : { requests: requestsOf(t).length }),
    };
  });
  const rpcMethods: Record<string, number> = {};
  for (const r of requestsOf(tapOf('chain-rpc'))) {
    const body = JSON.parse(r.body.toString('utf8') || 'null') as { method?: string } | { method?: string }[] | null;
    for (const call of Array.isArray(body) ? body : [body]) if (call?.method) rpcMethods[call.method] = (rpcMethods[call.method] ?? 0) + 1;
  }
  const validatorRequests: Record<string, number> = {};
  for (const r of requestsOf(tapOf('validator'))) {
    const key = `${r.method} ${r.path.split('?')[0]}`;
    validatorRequests[key] = (validatorRequests[key] ?? 0) + 1;
  }

  // The canaries, and the room's password (which must never leave the peers either).
  const canaries: { kind: string; value: string }[] = [
    ...notes.flatMap((n, i) => Object.entries(n.canaries).map(([kind, value]) => ({ kind: `note${i + 1}.${kind}`, value }))),
    { kind: 'room.password', value: password },
  ];
  const hits = findCanaries(
    captures,
    canaries.map((c) => c.value),
  );
  const bytesInspected = captures.reduce((n, c) => n + c.bytes.length, 0);
  console.log(
    JSON.stringify({
      leakCanary: {
        bytesInspected,
        endpoints,
        rpcMethods,
        validatorRequests,
        canaries: canaries.length,
        formsPerCanary: 'raw, utf16le, hex, HEX, base64@0-2, base64url@0-2',
        canaryKinds: [...new Set(canaries.map((c) => c.kind.replace(/^note\d\./, '')))],
        addedByHand,
        leaks: hits.length,
      },
    }),
  );
  expect(hits).toEqual([]);

  // The capture is not trivially empty: every endpoint was used, and the same checker finds what had to be sent.
  for (const name of ['chain-rpc', 'validator', 'signaling0']) {
    expect(endpoints.find((e) => e.endpoint === name)?.bytesInspected ?? 0, name).toBeGreaterThan(1_000);
  }
  expect(bytesInspected).toBeGreaterThan(12_000);
  expect(rpcMethods.eth_sendRawTransaction ?? 0).toBeGreaterThan(0);
  expect(validatorRequests['POST /submissions']).toBe(1);
  expect(tapOf('signaling0').connections.length).toBeGreaterThanOrEqual(2);
  const found = (name: string, secret: Canary | Canary[]) =>
    findCanaries(
      captures.filter((c) => c.name.startsWith(`${name}#`)),
      Array.isArray(secret) ? secret : [secret],
    );
  // The anonymised notes went to the validator base64-encoded: the checker sees through that.
  const controlHits = found('validator', CONTROL_SENTENCE).map((h) => h.encoding);
  expect(controlHits.length).toBeGreaterThan(0);
  // Where the encoded core has no '+' or '/', base64url matches too: both are base64 at one alignment.
  for (const encoding of controlHits) expect(encoding).toMatch(/^base64(url)?@[0-2]$/);
  const addressBytes = new Uint8Array(Buffer.from(address.replace(/^0x/, ''), 'hex'));
  expect(found('validator', [address, addressBytes]).length).toBeGreaterThan(0);
  // The manifest hash is attested on chain inside a raw transaction, as hex.
  expect(found('chain-rpc', new Uint8Array(Buffer.from(manifestHash.replace(/^0x/, ''), 'hex'))).length).toBeGreaterThan(0);
  // Both browsers subscribed to the room's topic on the signaling server.
  expect(found('signaling0', signalingRoomName(roomName)).length).toBeGreaterThanOrEqual(2);
});
